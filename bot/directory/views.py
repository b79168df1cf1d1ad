"""The community roster as people read it: names and roles for groups, phones in private."""

from __future__ import annotations

from bot.core.i18n import N_, Translator
from bot.core.render import esc
from bot.directory.rules import BUILDING_LIMIT, KINDS, NAME_LIMIT, BadContact, Contact, Flaw

KIND_NAMES: dict[str, str] = {
    "party": N_("party members"),
    "volunteer": N_("volunteers"),
    "committee": N_("owners' committee"),
    "building_head": N_("building heads"),
    "grid": N_("grid workers"),
    "property": N_("property staff"),
}


def roster(t: Translator, community: str, contacts: list[Contact], *, phones: bool) -> str:
    """Names, buildings and roles; with `phones`, the numbers too (only ever sent privately)."""
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
    return "\n".join(lines)


def phones_hint(t: Translator) -> str:
    """Under a group's roster, for an asker who may not see the phone numbers."""
    return t._("Phone numbers go by private message: send /contacts to me in private.")


def phones_sent(t: Translator) -> str:
    """Under a group's roster: the asker's phone numbers went privately."""
    return t._("📞 The phone numbers were sent to you privately.")


def start_first(t: Translator) -> str:
    """Under a group's roster, for an asker who may see the numbers but never started the bot."""
    return t._(
        "Phone numbers go by private message: start a private chat with me first, "
        "then send /contacts there."
    )


def open_private_chat(t: Translator) -> str:
    return t._("Open private chat")


def kinds_list(t: Translator) -> str:
    return t.p_("list separator", ", ").join(
        f"<code>{k}</code> {t._(KIND_NAMES[k])}" for k in KINDS
    )


def contact_problem(t: Translator, bad: BadContact) -> str:
    match bad.flaw:
        case Flaw.TOO_FEW:
            return t._("Give the kind, the name and the phone number.")
        case Flaw.KIND:
            return t._("I don't know the kind “{kind}”.").format(kind=esc(bad.detail[:20]))
        case Flaw.NAME:
            return t._("A name is 1 to {limit} characters.").format(limit=NAME_LIMIT)
        case Flaw.PHONE:
            return t._(
                "“{phone}” is not a phone number: an 11-digit mobile (13812345678) or a landline "
                "with its area code (0595-85123456)."
            ).format(phone=esc(bad.detail[:30]))
        case Flaw.TOO_MANY:
            return t._("Too many words: a name with spaces goes in quotes.")
        case Flaw.BUILDING:
            return t._("A building is at most {limit} characters.").format(limit=BUILDING_LIMIT)


def saved(t: Translator, community: str, contact: Contact, *, new: bool) -> str:
    values = {
        "name": esc(contact.name),
        "kind": t._(KIND_NAMES[contact.kind]),
        "community": esc(community),
    }
    text = (
        t._("✅ {name} is now on {community}'s contacts ({kind}).")
        if new
        else t._("✅ {name}'s entry on {community}'s contacts is updated ({kind}).")
    )
    return text.format(**values)


def removed(t: Translator, community: str, name: str, *, found: bool) -> str:
    text = (
        t._("✅ {name} is no longer on {community}'s contacts.")
        if found
        else t._("{name} is not on {community}'s contacts.")
    )
    return text.format(name=esc(name[:NAME_LIMIT]), community=esc(community))


def phones_refused(t: Translator) -> str:
    return t._(
        "Phone numbers are only for members of the community's grid groups. "
        "Send /contacts in your grid group to see the names."
    )


def edit_refused(t: Translator) -> str:
    """The refusal of a roster change, with `{community}` left for the scope resolver."""
    return t._("Only grid workers and community officials of {community} change its contacts.")


def edit_nowhere(t: Translator) -> str:
    return t._("Only grid workers and community officials change the contacts.")
