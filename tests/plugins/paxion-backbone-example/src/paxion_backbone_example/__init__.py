"""A minimal third-party backbone plugin for paxion (the worked example of docs/writing-a-backbone-plugin.md)."""
