from odoo.exceptions import UserError

from .common import KamCase

SUPERSEDED = "Superseded by the merge"
PROPOSAL_ACTIVITY = "key_account_mgmt.mail_activity_type_kam_class_proposal"


class TestPartnerMerge(KamCase):
    """Merging two customers through Odoo's merge wizard keeps their classes per company,
    their class history and at most one pending class proposal per company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin = cls.env.ref("base.user_admin")
        cls.admin.company_ids = [(4, cls.company2.id)]

    def _partner(self, name):
        # No turnover or installers given: no recompute gives classes of its own.
        return self.env["res.partner"].create({"name": name, "is_company": True})

    def _propose(self, partner, company, letter):
        return (
            self.env["kam.class.proposal"]
            .with_user(self.salesperson)
            .with_company(company)
            .create(
                {
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "proposed_class": letter,
                    "reason": f"Proposal {letter}",
                }
            )
        )

    def _classes(self, partner, company):
        partner = partner.with_company(company).sudo()
        partner.invalidate_recordset()
        return (partner.abc_class, partner.abc_class_computed, partner.abc_class_manual)

    def _merge(self, partners, dst):
        Wizard = self.env["base.partner.merge.automatic.wizard"].with_user(self.admin)
        Wizard._merge(partners.ids, dst.with_user(self.admin))
        self.env.invalidate_all()

    def _setup_pair(self):
        survivor = self._partner("Aurora Survivor Oy")
        duplicate = self._partner("Aurora Survivor Oy (dup)")
        # Survivor: manual A in company 1 only. Duplicate: computed B in company 1 and
        # computed C, manual B in company 2.
        survivor.with_company(self.company).write({"abc_class_manual": "A"})
        self.env["kam.class.engine"]._kam_apply_class_values(
            {
                self.company: {duplicate.id: ("B", "rule B")},
                self.company2: {duplicate.id: ("C", "rule C")},
            }
        )
        duplicate.with_company(self.company2).write({"abc_class_manual": "B"})
        return survivor, duplicate

    def test_merge_keeps_classes_history_and_one_pending_proposal(self):
        survivor, duplicate = self._setup_pair()
        self.assertEqual(self._classes(duplicate, self.company2), ("B", "C", "B"))
        History = self.env["kam.abc.class.history"]
        dup_history = History.search([("partner_id", "=", duplicate.id)])
        self.assertEqual(len(dup_history), 3)  # B and C computed, B manual
        survivor_history = History.search([("partner_id", "=", survivor.id)])
        self.assertEqual(len(survivor_history), 1)
        # Company 2: a pending proposal on each; the duplicate's is the more recent.
        older = self._propose(survivor, self.company2, "A")
        newer = self._propose(duplicate, self.company2, "C")
        only = self._propose(duplicate, self.company, "C")

        self._merge(survivor | duplicate, survivor)

        self.assertFalse(duplicate.exists(), "Odoo deletes the merged duplicate")
        # Company 1: the survivor had a class, it keeps its own.
        self.assertEqual(self._classes(survivor, self.company), ("A", False, "A"))
        # Company 2: the survivor had none, it takes the duplicate's.
        self.assertEqual(self._classes(survivor, self.company2), ("B", "C", "B"))
        history = History.search([("partner_id", "=", survivor.id)])
        self.assertEqual(history.partner_id, survivor)
        self.assertEqual(history & dup_history, dup_history, "the duplicate's rows moved")
        merge_rows = history - dup_history - survivor_history
        self.assertEqual(len(merge_rows), 1, "one row for the class taken in company 2")
        self.assertEqual(merge_rows.company_id, self.company2)
        self.assertEqual((merge_rows.old_class, merge_rows.new_class), (False, "B"))
        self.assertIn("Aurora Survivor Oy (dup)", merge_rows.reason)
        Proposal = self.env["kam.class.proposal"]
        for company, kept in ((self.company, only), (self.company2, newer)):
            pending = Proposal.search(
                [
                    ("partner_id", "=", survivor.id),
                    ("company_id", "=", company.id),
                    ("state", "=", "pending"),
                ]
            )
            self.assertEqual(pending, kept, f"one pending proposal in {company.name}")
        self.assertEqual(older.partner_id, survivor)
        self.assertEqual(older.state, "rejected")
        self.assertIn(SUPERSEDED, older.decision_note)
        # One approval to-do per company, for the proposal that still waits.
        approvals = self.env["mail.activity"].search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "=", survivor.id),
                ("activity_type_id", "=", self.env.ref(PROPOSAL_ACTIVITY).id),
            ]
        )
        self.assertEqual(
            sorted(activity.kam_company_id.name for activity in approvals),
            sorted([self.company.name, self.company2.name]),
        )
        approval2 = approvals.filtered(lambda a: a.kam_company_id == self.company2)
        self.assertIn("class C", approval2.summary, "the to-do of the proposal kept")

    def test_merge_without_destination_uses_odoos_choice(self):
        survivor, duplicate = self._setup_pair()
        Wizard = self.env["base.partner.merge.automatic.wizard"].with_user(self.admin)
        dst = Wizard._get_ordered_partner((survivor | duplicate).ids)[-1]
        src = (survivor | duplicate) - dst
        Wizard._merge((survivor | duplicate).ids)
        self.env.invalidate_all()
        self.assertFalse(src.exists())
        self.assertTrue(dst.exists())
        self.assertEqual(self._classes(dst, self.company2), ("B", "C", "B"))
        self.assertEqual(self._classes(dst, self.company)[0], "A" if dst == survivor else "B")

    def test_merge_with_itself_changes_nothing(self):
        survivor, _duplicate = self._setup_pair()
        before = self.env["kam.abc.class.history"].search_count([])
        self._merge(survivor, survivor)
        self.assertTrue(survivor.exists())
        self.assertEqual(self._classes(survivor, self.company), ("A", False, "A"))
        self.assertEqual(self.env["kam.abc.class.history"].search_count([]), before)

    def test_merge_with_own_contact_raises_odoo_error(self):
        survivor, _duplicate = self._setup_pair()
        contact = self.env["res.partner"].create({"name": "Contact", "parent_id": survivor.id})
        pending = self._propose(survivor, self.company2, "A")
        with self.assertRaisesRegex(UserError, "one of his parent"):
            self._merge(survivor | contact, survivor)
        self.assertEqual(pending.state, "pending")
        self.assertEqual(self._classes(survivor, self.company), ("A", False, "A"))

    def test_merge_texts_in_finnish(self):
        """The history reason is in the language of the company, the note of a
        superseded proposal in the language of the user who merges."""
        self.env["res.lang"]._activate_lang("fi_FI")
        self.company2.partner_id.lang = "fi_FI"
        self.admin.lang = "fi_FI"
        survivor, duplicate = self._setup_pair()
        older = self._propose(survivor, self.company2, "A")
        self._propose(duplicate, self.company2, "C")
        self._merge(survivor | duplicate, survivor)
        row = self.env["kam.abc.class.history"].search(
            [("partner_id", "=", survivor.id), ("reason", "ilike", "Luokka otettiin")]
        )
        self.assertEqual(len(row), 1)
        self.assertEqual(row.company_id, self.company2)
        self.assertIn("Korvautui", older.decision_note)
