"""12368 enforcement hotline assistant for Zhejiang courts."""

__version__ = "0.1.0"
