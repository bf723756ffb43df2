"""The peewee data model: every table of SPEC's domain, scoped by company."""

from __future__ import annotations

import peewee as pw

from orderdesk.core.fields import FixedField, IsoDateField, JsonField, UtcField

proxy = pw.DatabaseProxy()


class Base(pw.Model):
    class Meta:
        database = proxy
        legacy_table_names = False


class SchemaVersion(Base):
    version = pw.IntegerField()
    applied_at = UtcField()


class Company(Base):
    name = pw.CharField(max_length=200)
    currency = pw.CharField(max_length=3)
    # str.format pattern; {year} and {seq} are known. The counter resets yearly if {year} is used.
    order_number_format = pw.CharField(max_length=60, default="{year}-{seq:04d}")
    invoice_number_format = pw.CharField(max_length=60, default="INV-{year}-{seq:04d}")
    revision = pw.BigIntegerField(default=0)  # bumped by every write transaction
    created_at = UtcField()


class Counter(Base):
    company = pw.ForeignKeyField(Company, on_delete="CASCADE")
    kind = pw.CharField(max_length=20)
    year = pw.IntegerField()
    value = pw.IntegerField(default=0)

    class Meta:
        indexes = ((("company", "kind", "year"), True),)


class Customer(Base):
    company = pw.ForeignKeyField(Company)
    code = pw.CharField(max_length=40)
    name = pw.CharField(max_length=200)
    organisation_id = pw.CharField(max_length=60, default="")
    defaults = JsonField(default=dict)  # {"addresses": [...], "contacts": [...]}
    active = pw.BooleanField(default=True)
    created_at = UtcField()
    updated_at = UtcField()

    class Meta:
        indexes = ((("company", "code"), True),)


class Item(Base):
    company = pw.ForeignKeyField(Company)
    code = pw.CharField(max_length=60)
    description = pw.CharField(max_length=500, default="")
    unit = pw.CharField(max_length=20, default="pcs")
    price = FixedField(default=0)
    taxes = JsonField(default=list)  # [{"name","rate","group","type"}]
    unit_weight = FixedField(default=0)
    active = pw.BooleanField(default=True)

    class Meta:
        indexes = ((("company", "code"), True),)


class StatusDef(Base):
    company = pw.ForeignKeyField(Company)
    code = pw.CharField(max_length=40)
    name = pw.CharField(max_length=80)
    position = pw.IntegerField(default=0)
    final = pw.BooleanField(default=False)
    builtin = pw.BooleanField(default=False)

    class Meta:
        indexes = ((("company", "code"), True),)


class StatusTransition(Base):
    company = pw.ForeignKeyField(Company)
    from_code = pw.CharField(max_length=40)
    to_code = pw.CharField(max_length=40)

    class Meta:
        indexes = ((("company", "from_code", "to_code"), True),)


class Order(Base):
    company = pw.ForeignKeyField(Company, index=False)  # composite indexes lead with it
    uuid = pw.CharField(max_length=36, unique=True)
    number = pw.CharField(max_length=40)
    reference = pw.CharField(max_length=100, default="")  # the order's own external key
    customer_reference = pw.CharField(max_length=100, default="")
    customer = pw.ForeignKeyField(Customer, index=False)  # (company, customer, id) covers
    customer_code = pw.CharField(max_length=40)
    customer_name = pw.CharField(max_length=200)
    order_date = IsoDateField()
    delivery_date = IsoDateField(default="")  # '' when unknown: sort columns are NOT NULL
    site = pw.CharField(max_length=100, default="")
    currency = pw.CharField(max_length=3)
    notes = pw.TextField(default="")
    stage = pw.CharField(max_length=12, default="draft")
    status = pw.CharField(max_length=40, default="pending")
    active = pw.BooleanField(default=True)
    version = pw.IntegerField(default=1)
    revision = pw.BigIntegerField(default=0)
    deleted_op = pw.BigIntegerField(null=True)  # revision of the delete, to restore its lines
    deleted_stage = pw.CharField(max_length=12, null=True)  # stage to restore into
    created_at = UtcField()
    created_by = pw.CharField(max_length=100)
    updated_at = UtcField()
    updated_by = pw.CharField(max_length=100)
    # Kept in step by the core so the list sorts and shows them without computing.
    line_count = pw.IntegerField(default=0)
    total_quantity = FixedField(default=0)
    products_total = FixedField(default=0)
    surcharges_total = FixedField(default=0)
    tax_total = FixedField(default=0)
    grand_total = FixedField(default=0)
    paid = FixedField(default=0)
    balance = FixedField(default=0)

    class Meta:
        table_name = "orders"
        indexes = (
            (("company", "number"), True),
            (("company", "active", "stage", "id"), False),
            (("company", "customer", "id"), False),
            (("company", "revision"), False),
        )


# Sort columns of the order list; each gets a (company, column, id) index for keyset pages.
SORTABLE = (
    "number", "reference", "customer_reference", "customer_name", "order_date",
    "delivery_date", "site", "stage", "status", "total_quantity", "grand_total",
    "balance", "created_at", "updated_at",
)


Order.add_index(
    Order.index(Order.company, Order.reference, unique=True, where=(Order.reference != ""))
)


class OrderLine(Base):
    company = pw.ForeignKeyField(Company, index=False)
    order = pw.ForeignKeyField(Order, backref="lines", index=False)  # (order, position) covers
    uuid = pw.CharField(max_length=36, unique=True)
    position = pw.IntegerField()
    item_code = pw.CharField(max_length=60)
    description = pw.TextField(default="")
    quantity = FixedField()
    unit = pw.CharField(max_length=20, default="pcs")
    unit_price = FixedField()
    discount = FixedField(default=0)
    weight = FixedField(default=0)
    subtotal = FixedField(default=0)
    tax_amount = FixedField(default=0)
    total = FixedField(default=0)
    attributes = JsonField(default=dict)
    active = pw.BooleanField(default=True)
    deleted_op = pw.BigIntegerField(null=True)

    class Meta:
        indexes = ((("order", "position"), False),)


class LineTax(Base):
    line = pw.ForeignKeyField(OrderLine, backref="taxes")
    seq = pw.IntegerField(default=0)
    name = pw.CharField(max_length=40)
    group = pw.CharField(max_length=40, default="")
    type = pw.CharField(max_length=40, default="")
    rate = FixedField()


class Address(Base):
    order = pw.ForeignKeyField(Order, backref="addresses")
    uuid = pw.CharField(max_length=36, unique=True)
    kind = pw.CharField(max_length=20)  # Delivery, Invoice, Other, Custom
    label = pw.CharField(max_length=80, default="")
    name = pw.CharField(max_length=200, default="")
    street = pw.CharField(max_length=300, default="")
    city = pw.CharField(max_length=100, default="")
    postal_code = pw.CharField(max_length=20, default="")
    region = pw.CharField(max_length=100, default="")
    country = pw.CharField(max_length=2, default="")
    attributes = JsonField(default=dict)
    active = pw.BooleanField(default=True)


class Contact(Base):
    order = pw.ForeignKeyField(Order, backref="contacts")
    uuid = pw.CharField(max_length=36, unique=True)
    kind = pw.CharField(max_length=20)  # PhoneNumber, MobileNumber, Email, Custom
    label = pw.CharField(max_length=80, default="")
    name = pw.CharField(max_length=200, default="")
    value = pw.CharField(max_length=200)
    active = pw.BooleanField(default=True)


class Surcharge(Base):
    order = pw.ForeignKeyField(Order, backref="surcharges")
    uuid = pw.CharField(max_length=36, unique=True)
    kind = pw.CharField(max_length=20)  # Shipping, Handling, Payment, Custom
    label = pw.CharField(max_length=80, default="")
    amount = FixedField()
    taxes = JsonField(default=list)
    attributes = JsonField(default=dict)
    active = pw.BooleanField(default=True)


class OrderAttribute(Base):
    order = pw.ForeignKeyField(Order, backref="attribute_rows")
    key = pw.CharField(max_length=100)
    value = pw.TextField(default="")

    class Meta:
        indexes = ((("order", "key"), True),)


class Payment(Base):
    order = pw.ForeignKeyField(Order, backref="payments")
    uuid = pw.CharField(max_length=36, unique=True)
    date = IsoDateField()
    amount = FixedField()
    currency = pw.CharField(max_length=3)
    method = pw.CharField(max_length=20)
    method_name = pw.CharField(max_length=80, default="")
    status = pw.CharField(max_length=12, default="processed")
    testing = pw.BooleanField(default=False)
    gateway = pw.CharField(max_length=80, default="")
    gateway_data = pw.TextField(default="")
    reference = pw.CharField(max_length=100, default="")
    error = pw.TextField(default="")
    active = pw.BooleanField(default=True)


class Shipment(Base):
    order = pw.ForeignKeyField(Order, backref="shipments")
    uuid = pw.CharField(max_length=36, unique=True)
    carrier = pw.CharField(max_length=80, default="")
    tracking_number = pw.CharField(max_length=100, default="")
    shipped_at = IsoDateField(null=True)
    delivered_at = IsoDateField(null=True)
    active = pw.BooleanField(default=True)


class InventoryItem(Base):
    company = pw.ForeignKeyField(Company)
    uuid = pw.CharField(max_length=36, unique=True)
    item_code = pw.CharField(max_length=60)
    name = pw.CharField(max_length=300)
    lot = pw.CharField(max_length=80, default="")
    quantity = FixedField()  # on hand in this row
    reserved = FixedField(default=0)  # sum of active reservations, kept by conditional updates
    unit = pw.CharField(max_length=20, default="pcs")
    location = pw.CharField(max_length=80, default="")
    origin = pw.ForeignKeyField("self", null=True, backref="splits")
    certificate_group = pw.CharField(max_length=36)  # shared by a lot and its splits
    active = pw.BooleanField(default=True)
    version = pw.IntegerField(default=1)

    class Meta:
        indexes = ((("company", "item_code"), False),)
        constraints = [pw.SQL("CHECK (reserved >= 0 AND reserved <= quantity)")]


class Attachment(Base):
    company = pw.ForeignKeyField(Company)
    uuid = pw.CharField(max_length=36, unique=True)
    order = pw.ForeignKeyField(Order, null=True, backref="attachments")
    certificate_group = pw.CharField(max_length=36, null=True, index=True)  # lot certificates
    type = pw.CharField(max_length=20)  # Invoice, DeliveryNote, CreditNote, Certificate, Custom
    label = pw.CharField(max_length=80, default="")
    file_name = pw.CharField(max_length=255)
    media_type = pw.CharField(max_length=100)
    size = pw.IntegerField()
    md5 = pw.CharField(max_length=32)
    content = pw.BlobField()
    verdict = pw.TextField(default="")  # result of the content check when stored
    uploaded_at = UtcField()
    uploaded_by = pw.CharField(max_length=100)
    replaces = pw.ForeignKeyField("self", null=True)
    active = pw.BooleanField(default=True)


class LogEntry(Base):
    company = pw.ForeignKeyField(Company)
    order = pw.ForeignKeyField(Order, backref="log_entries")
    title = pw.CharField(max_length=200)
    description = pw.TextField(default="")
    actor = pw.CharField(max_length=100)
    at = UtcField()
    attachment = pw.ForeignKeyField(Attachment, null=True)


class OrderSnapshot(Base):
    """The read-only archived copy kept while an order is sent or archived."""

    order = pw.ForeignKeyField(Order, backref="snapshots")
    kind = pw.CharField(max_length=20, default="sent")
    document = pw.BlobField()  # zlib-compressed JSON of the whole document
    taken_at = UtcField()
    active = pw.BooleanField(default=True)


class Invoice(Base):
    company = pw.ForeignKeyField(Company)
    uuid = pw.CharField(max_length=36, unique=True)
    order = pw.ForeignKeyField(Order, unique=True, backref="invoices")
    number = pw.CharField(max_length=40)
    stage = pw.CharField(max_length=12, default="draft")
    customer_code = pw.CharField(max_length=40)
    customer_name = pw.CharField(max_length=200)
    currency = pw.CharField(max_length=3)
    invoice_date = IsoDateField()
    document = JsonField()  # copies of lines with taxes, addresses, contacts, surcharges
    grand_total = FixedField(default=0)
    created_at = UtcField()
    created_by = pw.CharField(max_length=100)

    class Meta:
        indexes = ((("company", "number"), True),)


class Reservation(Base):
    company = pw.ForeignKeyField(Company)
    line = pw.ForeignKeyField(OrderLine, backref="reservations")
    inventory_item = pw.ForeignKeyField(InventoryItem, backref="reservations")
    quantity = FixedField()
    created_at = UtcField()
    created_by = pw.CharField(max_length=100)
    active = pw.BooleanField(default=True)
    released_at = UtcField(null=True)

    class Meta:
        indexes = ((("inventory_item", "active"), False),)


class HistoryEvent(Base):
    company = pw.ForeignKeyField(Company, index=False)
    order = pw.ForeignKeyField(Order, null=True, index=False)  # the root order of the event
    lot = pw.ForeignKeyField(InventoryItem, null=True, index=False)
    revision = pw.BigIntegerField()
    at = UtcField()
    actor_id = pw.CharField(max_length=100)
    actor_name = pw.CharField(max_length=200)
    change = pw.CharField(max_length=20)  # created, updated, deleted, restored, ...
    entity_type = pw.CharField(max_length=20)
    entity_id = pw.CharField(max_length=36)
    entity_label = pw.CharField(max_length=300)
    field = pw.CharField(max_length=60, null=True)
    old_value = pw.TextField(null=True)
    new_value = pw.TextField(null=True)

    class Meta:
        indexes = (
            (("order", "at"), False),
            (("company", "revision"), False),
        )


HistoryEvent.add_index(
    HistoryEvent.index(HistoryEvent.lot, HistoryEvent.at, where=HistoryEvent.lot.is_null(False))
)

MODELS: list[type[Base]] = [
    SchemaVersion, Company, Counter, Customer, Item, StatusDef, StatusTransition, Order,
    OrderLine, LineTax, Address, Contact, Surcharge, OrderAttribute, Payment, Shipment,
    InventoryItem, Attachment, LogEntry, OrderSnapshot, Invoice, Reservation, HistoryEvent,
]
