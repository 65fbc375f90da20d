"""The validity check of bulk-written accounting data: balanced moves, lines that agree
with their move, Odoo's currency rates, totals and residuals, unique names per journal."""


def validate(cr, expected=None):
    """Check the written accounting data; return a list of problems (empty: valid).

    :param expected: optional dict {"invoice_lines": n} of exact expected counts
    """
    problems = []
    cr.execute(
        """SELECT COUNT(*) FROM (
               SELECT aml.move_id
                 FROM account_move_line aml
                 JOIN account_move am ON am.id = aml.move_id
                WHERE am.state = 'posted'
             GROUP BY aml.move_id
               HAVING SUM(aml.debit) <> SUM(aml.credit) OR SUM(aml.balance) <> 0
                   OR SUM(aml.amount_currency) <> 0
           ) unbalanced"""
    )
    unbalanced = cr.fetchone()[0]
    if unbalanced:
        problems.append(f"{unbalanced} posted moves are unbalanced")
    cr.execute(
        """SELECT COUNT(*) FROM account_move_line aml
             JOIN account_move am ON am.id = aml.move_id
            WHERE am.move_type IN ('out_invoice', 'out_refund')
              AND (aml.parent_state IS DISTINCT FROM am.state
                   OR aml.debit <> GREATEST(aml.balance, 0)
                   OR aml.credit <> GREATEST(-aml.balance, 0)
                   OR (aml.display_type IN ('product', 'tax')
                       AND ABS(aml.balance - ROUND(aml.amount_currency
                                                   / am.invoice_currency_rate, 2)) > 0.01))"""
    )
    wrong = cr.fetchone()[0]
    if wrong:
        problems.append(
            f"{wrong} invoice lines disagree with their move (state, debit/credit or "
            "company-currency amount vs amount_currency / rate)"
        )
    cr.execute(
        """SELECT COUNT(*) FROM account_move am
             JOIN res_company c ON c.id = am.company_id
             LEFT JOIN LATERAL (
                 SELECT r.rate FROM res_currency_rate r
                  WHERE r.currency_id = am.currency_id AND r.company_id = am.company_id
                    AND r.name <= am.invoice_date
               ORDER BY r.name DESC LIMIT 1) r ON TRUE
            WHERE am.move_type = 'out_invoice' AND am.state = 'posted'
              AND am.currency_id <> c.currency_id
              AND ABS(am.invoice_currency_rate - COALESCE(r.rate, 0)) > 0.000001"""
    )
    wrong_rate = cr.fetchone()[0]
    if wrong_rate:
        problems.append(f"{wrong_rate} foreign-currency invoices use another rate than Odoo's")
    cr.execute(
        """SELECT COUNT(*) FROM account_move am
            WHERE am.move_type IN ('out_invoice', 'out_refund') AND am.state = 'posted'
              AND (am.amount_total_signed <> (
                       SELECT SUM(balance) FROM account_move_line
                        WHERE move_id = am.id AND display_type = 'payment_term')
                   * CASE WHEN am.move_type = 'out_refund' THEN 1 ELSE 1 END
                   OR am.amount_residual_signed <> (
                       SELECT SUM(amount_residual) FROM account_move_line
                        WHERE move_id = am.id AND display_type = 'payment_term'))"""
    )
    wrong_totals = cr.fetchone()[0]
    if wrong_totals:
        problems.append(f"{wrong_totals} invoices have totals/residuals unlike their lines")
    cr.execute(
        """SELECT COUNT(*) FROM (
               SELECT journal_id, name FROM account_move WHERE state = 'posted'
             GROUP BY journal_id, name HAVING COUNT(*) > 1
           ) d"""
    )
    duplicates = cr.fetchone()[0]
    if duplicates:
        problems.append(f"{duplicates} duplicate move names in a journal")
    if expected:
        cr.execute(
            """SELECT COUNT(*) FROM account_move_line aml
                 JOIN account_move am ON am.id = aml.move_id
                WHERE am.move_type = 'out_invoice' AND am.state = 'posted'
                  AND aml.display_type = 'product'"""
        )
        lines = cr.fetchone()[0]
        if lines != expected["invoice_lines"]:
            problems.append(
                f"{lines} posted invoice lines, the plan has {expected['invoice_lines']}"
            )
    return problems
