import rules

from gnlc.accounts.rules import is_secretariat

rules.add_perm("audit.view_auditentry", is_secretariat)
