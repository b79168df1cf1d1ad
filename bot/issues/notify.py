"""Who hears of what: turns an issue event into outbox messages, each in its reader's language.

Runs inside the transaction that made the change (see bot/issues/service), so it only reads the
in-memory caches and renders; it never awaits.
"""

from __future__ import annotations

from telegram import InlineKeyboardMarkup

from bot.core.audience import Audience
from bot.core.i18n import Translator
from bot.core.roles import Actor, Role
from bot.delivery import media
from bot.delivery.outbox_store import OutboxItem, card_refresh
from bot.issues import views
from bot.issues.card import issue_card
from bot.issues.rules.states import Who
from bot.issues.store import Issue, IssueEvent, IssueSummary


def _markup(markup: InlineKeyboardMarkup | None) -> dict[str, object] | None:
    return markup.to_dict() if markup is not None else None


class Notifier(Audience):
    """The people of bot/core/audience.py, and what an issue's change tells each of them."""

    def actor(self, user_id: int, community_id: int) -> Actor:
        """The user as the permission table sees them in a community."""
        return Actor.of(user_id, self._registry.roles_of(user_id, community_id), self._admins)

    def superadmin(self, user_id: int) -> bool:
        return user_id in self._admins

    def who(self, user_id: int, issue: Issue) -> Who:
        return Who(
            self._registry.roles_of(user_id, issue.community_id),
            superadmin=user_id in self._admins,
            reporter=user_id == issue.reporter_id,
        )

    def place(self, issue: Issue) -> str:
        grid = self._registry.grid(issue.grid_id)
        community = self._registry.community(issue.community_id)
        return " · ".join(x.name for x in (community, grid) if x is not None)

    # -- issue events -------------------------------------------------------------------------

    def issue_event(self, event: IssueEvent) -> list[OutboxItem]:
        issue, action = event.issue, event.entry.action
        items: list[OutboxItem] = []
        if action == "report":
            if self.group_active(issue.chat_id):
                assert issue.chat_id is not None
                card_text, card_markup = issue_card(
                    self.chat_tr(issue.chat_id), issue, self.name, self.web_url
                )
                items.append(
                    OutboxItem(
                        issue.chat_id,
                        card_text,
                        markup=card_markup,
                        reply_to=event.reply_to,
                        card_of=issue.id,
                    )
                )
                if event.reply_to is None:  # a report from the group shows its media already
                    items += self._evidence(issue)
            # an urgent report's alerts carry the voice to the same moderators already
            if issue.anonymous and issue.voice_file_id and issue.priority != "urgent":
                items += self._voice_to_moderators(
                    issue, issue.voice_file_id, exclude=issue.reporter_id
                )
            if issue.priority == "urgent":
                items += self._urgent(issue, exclude=issue.reporter_id)
            return items
        items += self.card_edit(issue)
        if action in ("follow", "category"):
            return items
        entry = event.entry
        if self.group_active(issue.chat_id):
            assert issue.chat_id is not None
            t = self.chat_tr(issue.chat_id)
            text = views.event_text(t, event, self.name, public=True)
            items.append(self._told(issue.chat_id, t, text, event, hears=not issue.anonymous))
        for user_id in event.audience:
            if user_id == entry.actor_id or not self.reachable(user_id):
                continue
            t = self.user_tr(user_id)
            if action == "close":  # everyone affected is asked "Fixed?"
                reporter = user_id == issue.reporter_id
                text, markup = views.fixed_question(t, issue, reporter=reporter)
                if entry.photo:  # the "after" photo, then the question it illustrates
                    items.append(OutboxItem(user_id, "", media=media.photo(entry.photo)))
                items.append(OutboxItem(user_id, text, markup=_markup(markup)))
            else:
                text = views.event_text(t, event, self.name, public=False)
                hears = not issue.anonymous or user_id == issue.reporter_id
                items.append(self._told(user_id, t, text, event, hears=hears))
        if entry.voice and issue.anonymous:
            items += self._voice_to_moderators(issue, entry.voice, exclude=entry.actor_id)
        if event.other is not None:
            items += self.card_edit(event.other)
        if action == "priority" and issue.priority == "urgent":
            items += self._urgent(issue, exclude=event.entry.actor_id)
        return items

    def evidence(self, issue: Issue, *, voice: bool) -> list[media.Media]:
        """The report's photos, then (if `voice`: the reader may hear it) its voice note, then
        its map point, then the photos and voice notes added since: what follows its card
        wherever it is shown."""
        found = media.photos(issue.photos)
        if voice and issue.voice_file_id:
            found.append(media.voice(issue.voice_file_id))
        if issue.latitude is not None and issue.longitude is not None:
            point = (issue.latitude, issue.longitude)
            found.append(media.place(*point, issue.location_text, self.place(issue)))
        # then what was added later (/add; /note and /close with a photo), oldest first
        found += media.photos(tuple(e.photo for e in issue.history if e.photo))
        found += [media.voice(e.voice) for e in issue.history if e.voice and voice]
        return found

    def _evidence(self, issue: Issue) -> list[OutboxItem]:
        """The report's media, each a reply to its card in the group (queued after the card,
        so they follow it); an anonymous report's voice stays out."""
        assert issue.chat_id is not None
        found = self.evidence(issue, voice=not issue.anonymous)
        return [OutboxItem(issue.chat_id, "", reply_to_card=issue.id, media=m) for m in found]

    def _told(
        self, chat_id: int, t: Translator, text: str, event: IssueEvent, *, hears: bool
    ) -> OutboxItem:
        """A change told in a chat, with the photo or voice note it came with as the message
        itself (the text its caption); a voice the reader may not hear (an anonymous report's,
        SPEC "Evidence") is named as gone to the moderators instead. In the group it answers
        the card."""
        entry, card = event.entry, event.issue.id if chat_id == event.issue.chat_id else None
        found = None
        if entry.photo:
            found = media.photo(entry.photo)
        elif entry.voice and hears:
            found = media.voice(entry.voice)
        elif entry.voice:
            text += "\n" + views.voice_withheld(t)
        return OutboxItem(chat_id, text, reply_to_card=card, media=found)

    def _voice_to_moderators(
        self, issue: Issue, file_id: str, *, exclude: int | None
    ) -> list[OutboxItem]:
        """A voice is a name: an anonymous report's voice notes go to the community's
        moderators only, privately, each told which issue it belongs to."""
        voice = media.voice(file_id)
        return [
            OutboxItem(user_id, views.voice_caption(self.user_tr(user_id), issue), media=voice)
            for user_id in self.moderators(issue.community_id)
            if user_id != exclude and self.reachable(user_id)
        ]

    def assigned(self, issue: Issue, user_id: int) -> list[OutboxItem]:
        """The person /assign named is told privately, with the card as they may see it."""
        if not self.reachable(user_id):
            return []
        return [OutboxItem(user_id, views.assigned_notice(self.user_tr(user_id), issue, self.name))]

    def card_edit(self, issue: Issue) -> list[OutboxItem]:
        if issue.chat_id is None or not self.group_active(issue.chat_id):
            return []
        return [card_refresh(issue.chat_id, "issue", issue.id)]

    def _urgent(self, issue: Issue, *, exclude: int | None) -> list[OutboxItem]:
        """Every moderator is alerted privately, the report's media after the alert (its voice
        too, even anonymous: they are moderators), so they can judge it without the group."""
        items = []
        found = self.evidence(issue, voice=True)
        for user_id in self.moderators(issue.community_id):
            if user_id == exclude or not self.reachable(user_id):
                continue
            t = self.user_tr(user_id)
            items.append(
                OutboxItem(
                    user_id,
                    views.urgent_alert(t, issue, self.name, self.place(issue)),
                    markup=views.card_markup(t, issue, self.who(user_id, issue)),
                )
            )
            items += [OutboxItem(user_id, "", media=m) for m in found]
        return items

    def past_due(
        self, community_id: int, assignee_id: int | None, items: list[IssueSummary]
    ) -> list[OutboxItem]:
        """The morning list of broken promises: to the person they were assigned to, else (or
        when that person has not started the bot) to the community's grid workers."""
        community = self._registry.community(community_id)
        name = community.name if community else str(community_id)
        if assignee_id is not None and self.reachable(assignee_id):
            readers = [assignee_id]
        else:
            readers = [
                u
                for u in self._registry.role_holders(community_id, [Role.GRID])
                if self.reachable(u)
            ]
        return [OutboxItem(u, views.past_due_list(self.user_tr(u), name, items)) for u in readers]

    def overdue(
        self, community_id: int, remind_days: int, escalate_days: int, items: list[IssueSummary]
    ) -> list[OutboxItem]:
        """The morning reminder to the community's property staff."""
        community = self._registry.community(community_id)
        name = community.name if community else str(community_id)
        out = []
        for user_id in self._registry.role_holders(community_id, [Role.PROPERTY]):
            if self.reachable(user_id):
                t = self.user_tr(user_id)
                out.append(
                    OutboxItem(
                        user_id, views.overdue_reminder(t, name, remind_days, escalate_days, items)
                    )
                )
        return out
