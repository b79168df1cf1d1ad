"""Escaping and splitting keep every message within Telegram's limits and formatting intact."""

import html

from hypothesis import given
from hypothesis import strategies as st

from bot.core import callbacks as keyboards
from bot.core.render import MESSAGE_LIMIT, esc, split_html, utf16_len, visible_length


def test_user_text_cannot_change_formatting() -> None:
    assert esc("<b>hi</b> & <a href='x'>") == "&lt;b&gt;hi&lt;/b&gt; &amp; &lt;a href='x'&gt;"


def test_utf16_counts_emoji_twice() -> None:
    assert utf16_len("路灯💡") == 4
    assert visible_length("<b>路灯</b> &amp;") == 4


def test_short_text_is_one_message() -> None:
    assert split_html("<b>a</b>\nb") == ["<b>a</b>\nb"]


def test_many_lines_split_at_line_ends() -> None:
    lines = [f"<b>#{i}</b> {'路灯不亮' * 20}" for i in range(200)]
    parts = split_html("\n".join(lines))
    assert len(parts) > 1
    assert all(visible_length(p) <= MESSAGE_LIMIT for p in parts)
    assert "\n".join(parts) == "\n".join(lines)


@given(st.text(min_size=1, max_size=12000))
def test_one_huge_line_is_cut_within_limits_and_loses_nothing(text: str) -> None:
    markup = "<i>" + esc(text.replace("\n", " ")) + "</i>"
    parts = split_html(markup)
    assert all(visible_length(p) <= MESSAGE_LIMIT for p in parts)
    rejoined = "".join(html.unescape(p.replace("<i>", "").replace("</i>", "")) for p in parts)
    assert rejoined.strip() == text.replace("\n", " ").strip()


def test_callback_data_round_trip_and_limit() -> None:
    data = keyboards.encode("lang", "zh_CN")
    decoded = keyboards.decode(data)
    assert decoded is not None and decoded.prefix == "lang" and decoded.text(0) == "zh_CN"
    assert decoded.number(0) is None and decoded.text(5) is None
    assert keyboards.decode("x" * 65) is None
    try:
        keyboards.encode("p", "长" * 30)
    except ValueError:
        pass
    else:
        raise AssertionError("64-byte limit not enforced")
