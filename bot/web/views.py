"""The web board as people read it: every label translated here, from the bot's catalogs (the
templates only place what these functions return). Card pieces (title, content, history, owner,
due date) are the bot's own views, so a page says what the card in Telegram says.

What the issues feature's views return is Telegram HTML: user text already escaped, only <b>
and <i> tags; it is marked safe for Jinja2 here and nowhere else.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import quote

from markupsafe import Markup

from bot.core.i18n import Translator
from bot.core.render import esc
from bot.issues.views import (
    BOARD_NAMES,
    CATEGORY_NAMES,
    category_name,
    content,
    history_line,
    priority_name,
    title,
)
from bot.issues.views.names import body_name, state_name
from bot.issues.views.owners import due_text, owner_line
from bot.stats.views import breakdown as breakdown  # re-exported: the month's figures, in the
from bot.stats.views import categories_used as categories_used  # words of the bot's /stats,
from bot.stats.views import month_name as month_name  # for the web's stats page
from bot.stats.views import plain_category as plain_category  # (bot/web/stats_page.py)
from bot.stats.views import totals as totals
from bot.web.service import BoardLine, BoardPage, MapPoint, PublicIssue

EXCERPT = 80  # characters of an issue's text in a map marker and in the map's list


def community_path(community_id: int, name: str) -> str:
    """`/c/<name>`, percent-encoded whole (a `/`, `#` or `%` in a name is part of it), or
    `/c/<number>` for a name of digits only, which `/c/` would read as another's number."""
    return f"/c/{community_id}" if name.isdecimal() else f"/c/{quote(name, safe='')}"


def labels(t: Translator) -> dict[str, str]:
    """The words of the page frame and the forms."""
    return {
        "site": t.p_("web", "Mulin · public board"),
        "communities": t.p_("web", "Communities"),
        "no_communities": t.p_("web", "No community uses the board yet."),
        "grid": t.p_("web", "Grid"),
        "category": t.p_("web", "Category"),
        "all_grids": t.p_("web", "All grids"),
        "all_categories": t.p_("web", "All categories"),
        "filter": t.p_("web", "Show"),
        "empty": t.p_("web", "Nothing here."),
        "more": t.p_("web", "More"),
        "next": t.p_("web", "Next page"),
        "previous": t.p_("web", "Previous page"),
        "home": t.p_("web", "All communities"),
        "all_boards": t.p_("web", "All three boards"),
        "other_language": "English" if t.language.startswith("zh") else "中文",
        "history": t._("— history —").strip("— ").capitalize(),
    }


def age(t: Translator, created: datetime, now: datetime) -> str:
    days = max(0, (now - created).days)
    return t.n_("{n} day", "{n} days", days).format(n=days)


def board_title(t: Translator, state: str) -> str:
    return t._(BOARD_NAMES[state])


def line(t: Translator, item: BoardLine, now: datetime) -> dict[str, Any]:
    return {
        "id": item.id,
        "text": item.text if item.text else t._("🎤 voice message"),
        "grid": item.grid,
        "category": category_name(t, item.category),
        "priority": priority_name(t, item.priority) if item.priority != "minor" else None,
        "age": age(t, item.created_at, now),
        "owner": body_name(t, item.body) if item.body else None,
        "due": Markup(due_text(t, item.due_date, False)) if item.due_date else None,
        "overdue": t._("⏰ overdue") if item.past_due else None,
        "followers": item.followers,
        "followers_label": t.n_(
            "🙋 {n} neighbour has it too", "🙋 {n} neighbours have it too", item.followers
        ).format(n=item.followers),
        # only ever set for the community's moderators (the read model decides)
        "reporter": t._("👤 {reporter}").format(reporter=item.reporter) if item.reporter else None,
    }


def board(t: Translator, page: BoardPage, now: datetime) -> dict[str, Any]:
    return {
        "state": page.state,
        "title": board_title(t, page.state),
        "count": page.total,
        "lines": [line(t, item, now) for item in page.lines],
    }


def categories(t: Translator) -> list[tuple[str, str]]:
    return [(key, category_name(t, key)) for key in CATEGORY_NAMES]


def issue(t: Translator, found: PublicIssue) -> dict[str, Any]:
    """The card: title, facts, what was reported, people, owner, solution, then the history
    (all of it, oldest first; the bot's card keeps the newest 12)."""
    item = found.issue

    def names(person: int | None) -> str:
        return found.names.get(person or 0) or t._("the reporter")

    where = (
        (item.latitude, item.longitude)
        if item.latitude is not None and item.longitude is not None
        else None
    )
    body = content(t, item.text, bool(item.voice_file_id), item.location_text, where, 0)
    people = t._("👤 {reporter}").format(reporter=esc(names(item.reporter_id)))
    if item.followers:
        count = len(item.followers)
        people += " · " + t.n_(
            "🙋 {n} neighbour has it too", "🙋 {n} neighbours have it too", count
        ).format(n=count)
    body.append(people)
    owner = owner_line(t, item, names)
    if owner is not None:
        body.append(owner)
    if item.state == "resolved" and item.solution:
        body.append(t._("✅ Solution: {solution}").format(solution=esc(item.solution)))
    if item.state == "rejected" and item.duplicate_of is not None:
        body.append(t._("🔁 Duplicate of #{id}").format(id=item.duplicate_of))
    elif item.state == "rejected" and item.reason:
        body.append(t._("Reason: {reason}").format(reason=esc(item.reason)))
    photos = len(found.media)
    return {
        "id": item.id,
        "title": Markup(title(t, item.id, item.state)),
        "state": state_name(t, item.state),
        "facts": f"{category_name(t, item.category)} · {priority_name(t, item.priority)}",
        "community": found.community.name,
        "grid": found.grid,
        "body": [Markup(text) for text in body],
        "photos": t.n_("📷 {n} photo", "📷 {n} photos", photos).format(n=photos)
        if photos
        else None,
        "history": [
            {
                "text": Markup(history_line(t, item, e, names, not found.moderator)),
                "photo": _photo(t.p_("web", "Photo added to #{id}").format(id=item.id), e.photo),
            }
            for e in item.history
        ],
        # the photos themselves, at /media/<id> (fetched from Telegram once, then cached)
        "media": [
            _photo(t.p_("web", "Photo {n} of #{id}").format(n=n, id=item.id), media)
            for n, media in enumerate(found.media, start=1)
        ],
    }


def _photo(alt: str, media: str | None) -> dict[str, str] | None:
    return {"url": f"/media/{media}", "alt": alt} if media else None


def excerpt(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= EXCERPT else flat[: EXCERPT - 1] + "…"


def map_point(t: Translator, item: MapPoint, url: str) -> dict[str, Any]:
    """One issue on the map page, for its marker (JSON in the page) and its list alike: the
    number, an excerpt, state, category, where, and the card's link; no person."""
    return {
        "id": item.id,
        "lat": item.lat,
        "lon": item.lon,
        "text": excerpt(item.text) if item.text else t._("🎤 voice message"),
        "state": state_name(t, item.state),
        "category": category_name(t, item.category),
        "url": url,
    }
