import rules

from gnlc.accounts.rules import is_secretariat

rules.add_perm("mail.view_queuedmail", is_secretariat)
rules.add_perm("mail.send_again", is_secretariat)
