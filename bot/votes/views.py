"""Votes as people read them: the card with its live counts and one button per option, the
answers to a press, the result posted at the close, and the refusals. A card and a result show
how many voted for what, never who."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup

from bot.core import callbacks as keyboards
from bot.core.i18n import Translator
from bot.core.render import esc
from bot.votes.rules import (
    MAX_DAYS,
    MAX_OPTIONS,
    MIN_DAYS,
    MIN_OPTIONS,
    OPTION_LIMIT,
    QUESTION_LIMIT,
    LineProblem,
    Vote,
    share,
)

VOTE = "vote"  # callback prefix: vote:<vote id>:<option index>

EXAMPLE = "/vote 围栏刷成什么颜色？ | 绿色 | 灰色 | 白色 | 7"
EXAMPLE_ISSUE = "/vote #12 北门加装道闸吗？ | 同意 | 不同意"
EXAMPLE_NAMED = "/vote 西安村 | 围栏刷成什么颜色？ | 绿色 | 灰色"
CLOSE_EXAMPLE = "/closevote P1"


def name(vote_id: int) -> str:
    return f"P{vote_id}"


def _option_line(t: Translator, vote: Vote, i: int, *, final: bool) -> str:
    n = vote.counts[i]
    votes = t.n_("{n} vote", "{n} votes", n).format(n=n)
    line = f"{i + 1}. {esc(vote.options[i])} — {votes}"
    if final and vote.total:
        line += f" ({share(n, vote.total)}%)"
        if i in vote.winners:
            line += " 🏆"
    return line


def card(t: Translator, vote: Vote) -> str:
    """The card in a group: live counts while open; the final counts, marked, once closed."""
    final = vote.closed_at is not None
    lines = [f"🗳 <b>{name(vote.id)} {esc(vote.question)}</b>"]
    if vote.issue_id is not None:
        lines.append(t._("About issue #{id}").format(id=vote.issue_id))
    if final:
        lines.append(t._("🏁 Closed"))
    lines.append("")
    lines += [_option_line(t, vote, i, final=final) for i in range(len(vote.options))]
    lines.append("")
    lines.append(
        t.n_("👥 {n} person voted", "👥 {n} people voted", vote.total).format(n=vote.total)
    )
    if not final:
        lines.append(t._("Open until {time}").format(time=esc(t.when(vote.closes_at))))
        lines.append(t._("Press a button to vote; you may change your vote until the close."))
    return "\n".join(lines)


def buttons(t: Translator, vote: Vote) -> InlineKeyboardMarkup | None:
    """One button per option while the vote is open; none once it is closed."""
    if vote.closed_at is not None:
        return None
    return InlineKeyboardMarkup(
        [[keyboards.button(option, VOTE, vote.id, i)] for i, option in enumerate(vote.options)]
    )


def result(t: Translator, vote: Vote) -> str:
    """Posted in every group of the vote at its close, under its card."""
    lines = [
        t._("🗳 <b>Result of vote {vote}</b>: {question}").format(
            vote=name(vote.id), question=esc(vote.question)
        )
    ]
    lines += [_option_line(t, vote, i, final=True) for i in range(len(vote.options))]
    if vote.total == 0:
        lines.append(t._("Nobody voted."))
    else:
        total = t.n_("{n} person voted.", "{n} people voted.", vote.total)
        lines.append(total.format(n=vote.total))
    return "\n".join(lines)


# -- answers to a press (popups: plain text, in the presser's language) ---------------------


def voted(t: Translator, vote: Vote, choice: int, event: str) -> str:
    option, vid = vote.options[choice], name(vote.id)
    if event == "same":
        return t._("You already voted for “{option}” ({vote}).").format(option=option, vote=vid)
    if event == "changed":
        return t._("✅ Changed: you now vote for “{option}” ({vote}).").format(
            option=option, vote=vid
        )
    return t._("✅ You voted for “{option}” ({vote}).").format(option=option, vote=vid)


def closed(t: Translator, vote_id: int) -> str:
    return t._("Vote {vote} is closed: this press was not counted.").format(vote=name(vote_id))


def missing(t: Translator, vote_id: int) -> str:
    return t._("There is no vote {vote}.").format(vote=name(vote_id))


def not_voter(t: Translator) -> str:
    return t._("Only members of the vote's groups may vote: this press was not counted.")


# -- the organizers' side ---------------------------------------------------------------------


def line_problem(t: Translator, problem: LineProblem) -> str:
    match problem:
        case LineProblem.EMPTY:
            return t._("Write the question and at least two options, separated by |.")
        case LineProblem.NO_QUESTION:
            return t._("The question is missing.")
        case LineProblem.QUESTION_LONG:
            return t._("The question is at most {limit} characters.").format(limit=QUESTION_LIMIT)
        case LineProblem.TOO_FEW:
            return t._("A vote needs at least {n} options.").format(n=MIN_OPTIONS)
        case LineProblem.TOO_MANY:
            return t._("A vote has at most {n} options.").format(n=MAX_OPTIONS)
        case LineProblem.OPTION_EMPTY:
            return t._("An option is empty: write something between each pair of |.")
        case LineProblem.OPTION_LONG:
            return t._("An option is at most {limit} characters.").format(limit=OPTION_LIMIT)
        case LineProblem.DUPLICATE:
            return t._("Two options are the same.")
        case LineProblem.DAYS:
            return t._("A vote lasts {min} to {max} days.").format(min=MIN_DAYS, max=MAX_DAYS)


def opened(t: Translator, vote: Vote, groups: int) -> str:
    text = t.n_(
        "✅ Vote {vote} is open in {n} group until {time}.",
        "✅ Vote {vote} is open in {n} groups until {time}.",
        groups,
    )
    return text.format(vote=name(vote.id), n=groups, time=esc(t.when(vote.closes_at)))


def closed_now(t: Translator, vote: Vote, groups: int) -> str:
    text = t.n_(
        "✅ Vote {vote} is closed; the result goes to {n} group.",
        "✅ Vote {vote} is closed; the result goes to {n} groups.",
        groups,
    )
    return text.format(vote=name(vote.id), n=groups)


def already_closed(t: Translator, vote_id: int) -> str:
    return t._("Vote {vote} is already closed.").format(vote=name(vote_id))


def only_officials(t: Translator) -> str:
    return t._("Only community officials of {community} open and close votes.")


def no_groups(t: Translator) -> str:
    return t._("There is no registered group to hold this vote in.")


def none_open(t: Translator, community: str) -> str:
    return t._("No open votes in {community}.").format(community=esc(community))
