"""ownerscope: an ownership and beneficiary network explorer for sanctions work."""

__version__ = "0.1.0"
