"""Who may do what with news. Published news, the press page and subscribing are for
everyone; writing, announcing, publishing and the press contacts are the secretariat's."""

import rules

from gnlc.accounts.rules import is_secretariat


@rules.predicate
def is_published(user, post):
    """A post whose publication time has come."""
    return post is not None and post.is_published


rules.add_perm("news.view_post", is_published | is_secretariat)
rules.add_perm("news.manage_news", is_secretariat)
rules.add_perm("news.manage_announcements", is_secretariat)
rules.add_perm("news.manage_press", is_secretariat)
