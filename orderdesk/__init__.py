"""OrderDesk: a desktop order desk over an embedded or shared database."""

__version__ = "0.1.0"
