"""The community roster as people read it: names and roles for groups, phones in private."""

from __future__ import annotations

from bot.core.i18n import N_, Translator
from bot.core.render import esc
from bot.directory.store import KINDS, Contact

KIND_NAMES: dict[str, str] = {
    "party": N_("party members"),
    "volunteer": N_("volunteers"),
    "committee": N_("owners' committee"),
    "building_head": N_("building heads"),
    "grid": N_("grid workers"),
    "property": N_("property staff"),
}
# The words people type for each kind (SPEC: either word).
KIND_WORDS: dict[str, str] = {
    "party": "party", "党员": "party",
    "volunteer": "volunteer", "志愿者": "volunteer",
    "committee": "committee", "业委会": "committee",
    "building_head": "building_head", "楼栋长": "building_head",
    "grid": "grid", "网格员": "grid",
    "property": "property", "物业": "property",
}  # fmt: skip


def roster(t: Translator, community: str, contacts: list[Contact], *, phones: bool) -> str:
    lines = [t._("📇 <b>{community}: contacts</b>").format(community=esc(community))]
    if not contacts:
        lines.append(t._("(none yet) — grid workers add people with /addcontact"))
        return "\n".join(lines)
    for kind in KINDS:
        people = [c for c in contacts if c.kind == kind]
        if not people:
            continue
        lines.append("")
        lines.append(f"<b>{t._(KIND_NAMES[kind])}</b>")
        for c in people:
            line = esc(c.name)
            if c.building:
                line += f" · {esc(c.building)}"
            if phones:
                line += f" · 📞 {esc(c.phone)}"
            lines.append(line)
    if not phones:
        lines.append("")
        lines.append(t._("Phone numbers go by private message: send /contacts to me in private."))
    return "\n".join(lines)


def kinds_list(t: Translator) -> str:
    return t.p_("list separator", ", ").join(
        f"<code>{k}</code> {t._(KIND_NAMES[k])}" for k in KINDS
    )
