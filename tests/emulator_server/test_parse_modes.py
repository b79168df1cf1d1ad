"""The HTML, MarkdownV2 and Markdown parsers: what Telegram accepts and what it refuses."""

from __future__ import annotations

import pytest

from emulator.errors import ApiFailure
from emulator.formatting import auto_entities, format_text, utf16_len
from emulator.html import EntityParseError, parse_html
from emulator.markdown import parse_markdown, parse_markdown_v2


def no_users(user_id: int) -> None:
    return None


def test_nested_tags_give_utf16_entities() -> None:
    text, entities = parse_html("😀 <b>粗<i>体</i></b> <u>u</u><s>s</s><tg-spoiler>x</tg-spoiler>")
    assert text == "😀 粗体 usx"
    assert entities == [
        {"type": "bold", "offset": 3, "length": 2},
        {"type": "italic", "offset": 4, "length": 1},
        {"type": "underline", "offset": 6, "length": 1},
        {"type": "strikethrough", "offset": 7, "length": 1},
        {"type": "spoiler", "offset": 8, "length": 1},
    ]


def test_every_supported_tag_and_alias() -> None:
    source = (
        "<strong>a</strong><em>b</em><ins>c</ins><strike>d</strike><del>e</del>"
        '<span class="tg-spoiler">f</span><a href="https://example.com/x?a=1&amp;b=2">g</a>'
        '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji><code>h</code>'
        '<pre><code class="language-python">i</code></pre><pre>j</pre>'
        "<blockquote>k</blockquote><blockquote expandable>l</blockquote>"
    )
    text, entities = parse_html(source)
    assert text == "abcdefg👍hijkl"
    types = [(e["type"], e["offset"]) for e in entities]
    assert types == [
        ("bold", 0),
        ("italic", 1),
        ("underline", 2),
        ("strikethrough", 3),
        ("strikethrough", 4),
        ("spoiler", 5),
        ("text_link", 6),
        ("custom_emoji", 7),
        ("code", 9),
        ("pre", 10),
        ("pre", 11),
        ("blockquote", 12),
        ("expandable_blockquote", 13),
    ]
    assert entities[6]["url"] == "https://example.com/x?a=1&b=2"
    assert entities[9]["language"] == "python"
    assert "language" not in entities[10]


def test_entities_and_a_bare_ampersand() -> None:
    text, entities = parse_html("&lt;b&gt; &amp; &quot;q&quot; &#20320;&#x597D; A & B &nbsp; &copy")
    assert text == '<b> & "q" 你好 A & B &nbsp; &copy'
    assert entities == []


def test_a_bare_greater_than_is_text() -> None:
    assert parse_html("1 > 0")[0] == "1 > 0"


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("a < b", 'Unsupported start tag "" at byte offset 2'),
        ("<br>", 'Unsupported start tag "br" at byte offset 0'),
        ("<script>x</script>", 'Unsupported start tag "script" at byte offset 0'),
        ("<b>bold", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("<b", "Unclosed start tag at byte offset 0"),
        ("<b>x</b", "Unclosed end tag at byte offset 4"),
        ('<span class="x">s</span>', 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        (
            "<a href>x</a>",
            'Expected equal sign in declaration of an attribute of the tag "a" at byte offset 0',
        ),
        ('<tg-emoji emoji-id="abc">x</tg-emoji>', "Invalid custom emoji identifier specified"),
        ("阿美<b>", 'Can\'t find end tag corresponding to start tag "b"'),
        ("阿美<x>", 'Unsupported start tag "x" at byte offset 6'),  # UTF-8 byte offset
    ],
)
def test_html_refusals(source: str, reason: str) -> None:
    with pytest.raises(EntityParseError) as caught:
        parse_html(source)
    assert str(caught.value) == reason


def test_links_telegram_cannot_use_are_dropped_and_user_links_become_mentions() -> None:
    text, entities = parse_html(
        '<a href="javascript:alert(1)">x</a> <a href="tg://user?id=7">y</a>'
    )
    assert text == "x y"
    assert entities == [{"type": "text_link", "offset": 2, "length": 1, "url": "tg://user?id=7"}]
    user = {"id": 7, "is_bot": False, "first_name": "Y"}
    formatted = format_text(
        '<a href="tg://user?id=7">y</a>',
        "HTML",
        None,
        lookup_user=lambda i: user if i == 7 else None,
    )
    assert formatted.entities == [{"type": "text_mention", "offset": 0, "length": 1, "user": user}]


def test_format_text_trims_and_counts_utf16() -> None:
    formatted = format_text("  <b>hi</b>\n", "html", None, lookup_user=no_users)
    assert formatted.text == "hi"
    assert formatted.entities == [{"type": "bold", "offset": 0, "length": 2}]
    assert utf16_len("😀a") == 3
    assert format_text("😀" * 2048, None, None, lookup_user=no_users).text == "😀" * 2048
    with pytest.raises(ApiFailure, match="message is too long"):
        format_text("😀" * 2048 + "a", None, None, lookup_user=no_users)
    with pytest.raises(ApiFailure, match="text must be non-empty"):
        format_text("   ", None, None, lookup_user=no_users)
    with pytest.raises(ApiFailure, match="unsupported parse_mode"):
        format_text("x", "BBCode", None, lookup_user=no_users)


def test_explicit_entities_are_checked() -> None:
    good = format_text(
        "hello", None, [{"type": "bold", "offset": 0, "length": 5}], lookup_user=no_users
    )
    assert good.entities == [{"type": "bold", "offset": 0, "length": 5}]
    with pytest.raises(ApiFailure, match="entity begins after the end of the text"):
        format_text(
            "hello", None, [{"type": "bold", "offset": 100, "length": 1}], lookup_user=no_users
        )
    with pytest.raises(ApiFailure, match="Unsupported type specified"):
        format_text(
            "hello", None, [{"type": "shiny", "offset": 0, "length": 1}], lookup_user=no_users
        )


def test_markdown_v2_reserved_characters_and_entities() -> None:
    source = r"*bold* _it_ __u__ ~s~ ||sp|| `c` [l](https://e.com) 1\.5\!"
    text, entities = parse_markdown_v2(source)
    assert text == "bold it u s sp c l 1.5!"
    assert [e["type"] for e in entities] == [
        "bold",
        "italic",
        "underline",
        "strikethrough",
        "spoiler",
        "code",
        "text_link",
    ]
    text, entities = parse_markdown_v2("```python\nprint(1)\n```")
    assert text == "print(1)\n" and entities[0] == {
        "type": "pre",
        "language": "python",
        "offset": 0,
        "length": 9,
    }
    for char in "_*[]()~`>#+-=|{}.!":
        if char in "_*[~`|":
            continue  # these open entities; their refusals differ
        with pytest.raises(EntityParseError, match="is reserved and must be escaped"):
            parse_markdown_v2(f"a{char}b")
    with pytest.raises(EntityParseError, match="Can't find end of Bold entity at byte offset 0"):
        parse_markdown_v2("*unclosed")


def test_markdown_v2_block_quote() -> None:
    text, entities = parse_markdown_v2(">quoted\n>more\nafter")
    assert text == "quoted\nmore\nafter"
    assert entities == [{"type": "blockquote", "offset": 0, "length": 11}]


def test_legacy_markdown() -> None:
    text, entities = parse_markdown("*b* _i_ `c` [t](http://x.org) a\\_b")
    assert text == "b i c t a_b"
    assert [e["type"] for e in entities] == ["bold", "italic", "code", "text_link"]
    with pytest.raises(
        EntityParseError, match="Can't find end of the entity starting at byte offset 0"
    ):
        parse_markdown("*unclosed")


def test_commands_and_mentions_in_user_text() -> None:
    assert auto_entities("/setup@mulin_bot 西安村 @amei_x") == [
        {"type": "bot_command", "offset": 0, "length": 16},
        {"type": "mention", "offset": 21, "length": 7},
    ]
    assert auto_entities("no/command here") == []
