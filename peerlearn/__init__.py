"""peerlearn: peer learning between cities."""

__version__ = "0.1.0"
