"""The rule for templates rendered once for many readers (forum.pagecache, forum.shells): they read of
their reader only what the key of the copy holds.

An anonymous page and a signed-in shell are kept per page, language, time
zone and kind of reader (anonymous, signed in, moderator), and served to
everyone of that kind. So such a template may ask whether the reader is signed
in and which address they asked for, nothing more of ``user`` or
``request``, and never ``perms``: a name, a role or a cookie would be shown to
the next reader. What is the reader's own goes into a hole (forum.shells)
filled per request: their header (_account_nav.html) and the panels.
"""

import re

from django.template.loader import get_template

from forum import fragments

# The pages kept whole or as shells, and the parts a shell keeps once for all its readers.
SHARED = (
    "forum/thread.html",
    "forum/board.html",
    "forum/_follow.html",
    "forum/_start_thread.html",
    *fragments.FRAGMENT_TEMPLATES,
)
# Filled per reader, in a hole.
PER_READER = {"_account_nav.html"}
# In the key of every copy: the kind of reader, and the page's address.
MAY_READ = {"user.is_authenticated", "request.get_full_path"}

TAG = re.compile(r"{[{%](.*?)[}%]}", re.S)
READS = re.compile(r"(?<![\w.])(user|request|perms)\b((?:\.\w+)*)")
USES = re.compile(r'{%\s*(?:include|extends)\s+"([^"]+)"')


def shared_templates() -> set[str]:
    """SHARED and every template they include or extend."""
    found, waiting = set(), list(SHARED)
    while waiting:
        name = waiting.pop()
        if name in found or name in PER_READER:
            continue
        found.add(name)
        waiting += USES.findall(get_template(name).template.source)
    return found


def test_templates_rendered_for_many_readers_read_only_what_their_key_holds():
    assert "base.html" in shared_templates() and "forum/_pagination.html" in shared_templates()
    for name in sorted(shared_templates()):
        source = get_template(name).template.source
        for tag in TAG.findall(source):
            for variable, attributes in READS.findall(tag):
                assert variable + attributes in MAY_READ, f"{name} reads {variable}{attributes}: {tag.strip()}"


def test_the_rule_sees_a_template_reading_the_readers_name():
    assert READS.findall(" user.username ") == [("user", ".username")]
    assert READS.findall(" request.user.pk ") == [("request", ".user.pk")]
    assert READS.findall(" post.user.pk ") == [] and READS.findall(" username ") == []
