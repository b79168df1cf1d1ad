"""Mulin (睦邻): a Telegram bot for the grid group chats of residential compounds."""

__version__ = "0.1.0"
