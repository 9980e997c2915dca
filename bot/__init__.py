"""geodigest: world-affairs news feeds in, short faithful digests out to chats."""

__version__ = "0.1.0"
