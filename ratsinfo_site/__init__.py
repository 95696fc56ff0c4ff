"""ratsinfo-site: a static, searchable archive of council resolutions."""

__version__ = "0.1.0"
