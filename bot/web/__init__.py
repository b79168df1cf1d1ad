"""The public board on the web (SPEC "The public board on the web, and Open311"): pages and a
read-only Open311 GeoReport v2 API over the bot's database.

store.py (SQL, read-only) → service.py (the read model: the one place that applies the privacy
rules; named `service` because it is the web's use-case room, the only one that reaches its
store) → views.py (text for people) → server.py (aiohttp routes, Jinja2 templates) and
open311.py; serving.py runs it alone or inside the bot's process.
"""
