from django import template

from gnlc.core.markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text):
    """`{{ practice.body|markdown }}`: sanitised HTML from user Markdown."""
    return render_markdown(text)
