"""Revenue lines: the journal items a customer's revenue and margin are made of.

One definition, used by the score rows, the monthly KPIs, the revenue report, the
drill-down from a score row to its invoice lines and the benchmark script:

- A **revenue line** is a product line (``display_type = 'product'``) of a posted
  (``parent_state = 'posted'``) customer invoice or credit note (``CUSTOMER_MOVE_TYPES``).
  Section and note lines, taxes, payment terms, drafts, cancelled moves and vendor bills
  are not revenue. Its customer is the commercial partner of the line's partner.
- Its **revenue** is ``-balance``: untaxed, in company currency at the invoice's rate,
  negative on credit notes.
- Its **cost of goods** is ``score_cost``, frozen on the line when the invoice is posted
  (so a later change of the product cost does not move past margins). A line without a
  frozen cost (posted before the add-on was installed, or written outside the ORM) is
  costed now with the same rule: the product's cost in the line's company, per unit of
  the line's unit of measure, times the quantity; negative on credit notes, 0 without
  a product.

The domain (ORM) and the WHERE clause (SQL) are built from the same constants, so the
lines a user opens from a score row are the lines its figures were summed from.
"""

from odoo.tools import SQL

CUSTOMER_INVOICE = "out_invoice"
CUSTOMER_REFUND = "out_refund"
CUSTOMER_MOVE_TYPES = (CUSTOMER_INVOICE, CUSTOMER_REFUND)
POSTED = "posted"
PRODUCT_LINE = "product"


def revenue_line_domain(company_ids=None, date_from=None, date_to=None, partner_ids=None):
    """Domain on ``account.move.line`` of the revenue lines.

    :param company_ids: only the lines of these companies (ids)
    :param date_from: only lines dated on or after this date (accounting date)
    :param date_to: only lines dated on or before this date
    :param partner_ids: only the lines of these commercial partners (ids; their
        contacts' lines included)
    """
    domain = [
        ("parent_state", "=", POSTED),
        ("display_type", "=", PRODUCT_LINE),
        ("move_id.move_type", "in", CUSTOMER_MOVE_TYPES),
    ]
    if company_ids is not None:
        domain.append(("company_id", "in", list(company_ids)))
    if partner_ids is not None:
        domain.append(("partner_id.commercial_partner_id", "in", list(partner_ids)))
    if date_from:
        domain.append(("date", ">=", date_from))
    if date_to:
        domain.append(("date", "<=", date_to))
    return domain


def invoice_lines_action(env, name, domain, help_html, context=None):
    """The window action that lists the journal items behind a figure (``domain``), all on
    one page so that the list's total is the whole set, in the scoring's list and search
    views."""
    count = env["account.move.line"].search_count(domain)
    return {
        "type": "ir.actions.act_window",
        "name": name,
        "res_model": "account.move.line",
        "view_mode": "list,form",
        "views": [
            (env.ref("customer_scoring.view_move_line_scoring_list").id, "list"),
            (False, "form"),
        ],
        "search_view_id": [env.ref("customer_scoring.view_move_line_scoring_search").id],
        "domain": domain,
        "limit": max(80, count),
        "context": {"create": False, **(context or {})},
        "help": help_html,
    }


def revenue_line_where_sql(line_alias="aml", move_alias="am"):
    """WHERE condition selecting the revenue lines, the SQL twin of
    ``revenue_line_domain()``: ``line_alias`` is an ``account_move_line`` and
    ``move_alias`` its ``account_move`` (joined on ``move_id``)."""
    line, move = SQL.identifier(line_alias), SQL.identifier(move_alias)
    return SQL(
        "%s.parent_state = %s AND %s.display_type = %s AND %s.move_type IN %s",
        line,
        POSTED,
        line,
        PRODUCT_LINE,
        move,
        CUSTOMER_MOVE_TYPES,
    )


def customer_move_where_sql(move_alias="am"):
    """WHERE condition selecting the posted customer invoices and credit notes (moves,
    not lines) of ``move_alias`` (an ``account_move``)."""
    move = SQL.identifier(move_alias)
    return SQL("%s.state = %s AND %s.move_type IN %s", move, POSTED, move, CUSTOMER_MOVE_TYPES)


def line_sign_sql(move_alias="am"):
    """1 on an invoice, -1 on a credit note (``move_alias``: the line's account_move)."""
    return SQL(
        "(CASE WHEN %s.move_type = %s THEN -1 ELSE 1 END)",
        SQL.identifier(move_alias),
        CUSTOMER_REFUND,
    )


def line_cost_sql(line_alias="aml", move_alias="am"):
    """Cost of goods of a revenue line in company currency, signed like its revenue.

    The cost frozen at posting (``score_cost``) if any; else the quantity times the
    product's cost in the line's company, converted to the line's unit of measure as
    ``line_cost()`` does. The product is read in a subquery that PostgreSQL evaluates only
    for lines without a frozen cost, so the caller joins no product table for it."""
    line = SQL.identifier(line_alias)
    return SQL(
        """COALESCE(
               %(line)s.score_cost,
               %(sign)s * COALESCE(%(line)s.quantity, 0) * COALESCE((
                   SELECT (cp.standard_price ->> %(line)s.company_id::text)::numeric
                          * CASE WHEN lu.id IS NULL OR lu.id = pu.id THEN 1
                                 ELSE pu.factor / NULLIF(lu.factor, 0) END
                     FROM product_product cp
                     JOIN product_template ct ON ct.id = cp.product_tmpl_id
                     JOIN uom_uom pu ON pu.id = ct.uom_id
                     LEFT JOIN uom_uom lu ON lu.id = %(line)s.product_uom_id
                                         AND lu.category_id = pu.category_id
                    WHERE cp.id = %(line)s.product_id
               ), 0)
           )""",
        line=line,
        sign=line_sign_sql(move_alias),
    )


def line_sign(line):
    """1 on an invoice, -1 on a credit note (``line``: an account.move.line)."""
    return -1 if line.move_id.move_type == CUSTOMER_REFUND else 1


def line_unit_cost(line):
    """The product's cost in the line's company per unit of the line's unit of measure
    (0 without a product)."""
    if not line.product_id:
        return 0.0
    product = line.product_id.with_company(line.company_id)
    unit_cost = product.standard_price
    if line.product_uom_id and line.product_uom_id != product.uom_id:
        unit_cost = product.uom_id._compute_price(unit_cost, line.product_uom_id)
    return unit_cost


def line_cost(line):
    """Cost of goods of a revenue line as the product's cost now, signed like its
    revenue and rounded to the company currency: what ``score_cost`` freezes at
    posting, and what ``line_cost_sql()`` falls back to without a frozen cost."""
    return line.company_currency_id.round(line_sign(line) * line.quantity * line_unit_cost(line))


def contacts_sql(partner_ids):
    """ARRAY of the ids of every partner whose commercial partner is in ``partner_ids``
    (the companies and their contacts), for ``partner_id = ANY(...)`` filters that read
    journal items or revenue days by their partner index.

    One index probe per commercial partner (``res_partner.commercial_partner_id``):
    with ``commercial_partner_id = ANY(...)`` the planner estimates too many rows and
    reads every partner in parallel (140 ms at 600 k partners for 5,000 customers,
    against 40 ms). ``OFFSET 0`` keeps the subquery a per-row probe."""
    return SQL(
        """ARRAY(SELECT c.id FROM unnest(%s::int4[]) AS u(id)
                 CROSS JOIN LATERAL (SELECT r.id FROM res_partner r
                                      WHERE r.commercial_partner_id = u.id OFFSET 0) c)""",
        list(partner_ids),
    )
