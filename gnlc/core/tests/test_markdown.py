import pytest

from gnlc.core.markdown import render_markdown


def test_markdown_renders_emphasis_lists_and_links():
    html = render_markdown("**Adult** learners\n\n- one\n- two\n\n[UIL](https://uil.unesco.org)")

    assert "<strong>Adult</strong>" in html
    assert "<li>one</li>" in html
    assert 'href="https://uil.unesco.org"' in html
    assert 'rel="nofollow noopener noreferrer"' in html


@pytest.mark.parametrize(
    ("source", "forbidden"),
    [
        ("<script>alert(1)</script>", "<script"),
        ('<img src="x.png" onerror="alert(1)">', "onerror"),
        ("[click](javascript:alert(1))", "javascript:"),
        ('<a href="JaVaScRiPt:alert(1)">x</a>', "javascript:"),
        ("<style>body{display:none}</style>", "<style"),
        ('<iframe src="https://evil.example"></iframe>', "<iframe"),
    ],
)
def test_markdown_removes_active_content(source, forbidden):
    assert forbidden not in render_markdown(source).lower()
