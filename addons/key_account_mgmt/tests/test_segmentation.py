"""Two-stage segmentation: the rule table, who confirms a decision, the history, the
company of the row and the class it is listed under."""

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import KamCase


@tagged("post_install", "-at_install")
class TestSegmentation(KamCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Seg = cls.env["kam.segmentation"]
        cls.customer = cls._customer("Kivi Oy", user_id=cls.salesperson.id)
        cls.other = cls._customer("Puu Oy", user_id=cls.salesperson2.id)
        cls.contact = cls.env["res.partner"].create(
            {"name": "Kaisa Kivi", "parent_id": cls.customer.id, "type": "contact"}
        )

    def _seg(self, partner=None, company=None, **ratings):
        seg = self.Seg._kam_get_or_create(partner or self.customer, company or self.company)
        if ratings:
            seg.write(ratings)
        return seg

    # ------------------------------------------------------------------ rule table
    def test_rule_table(self):
        """Each quadrant and each adjustment of stage 1, computed by hand from the rule
        (3 or more is high)."""
        table = [
            # (importance, effort, attractiveness, relationship) -> stage 1, stage 2, proposal
            ((0, 0, 4, 2), (False, "attractive_weak", "develop")),
            ((0, 0, 4, 4), (False, "attractive_strong", "keep")),
            ((0, 0, 2, 4), (False, "unattractive_strong", "keep")),
            ((0, 0, 2, 2), (False, "unattractive_weak", "withdraw")),
            ((4, 1, 5, 1), ("important_easy", "attractive_weak", "develop")),
            ((5, 5, 3, 3), ("important_demanding", "attractive_strong", "keep")),
            ((2, 2, 2, 5), ("minor_easy", "unattractive_strong", "keep")),
            ((2, 2, 2, 2), ("minor_easy", "unattractive_weak", "withdraw")),
            # less important and demanding: kept only when attractive
            ((2, 4, 2, 4), ("minor_demanding", "unattractive_strong", "withdraw")),
            ((2, 3, 4, 4), ("minor_demanding", "attractive_strong", "keep")),
            ((1, 5, 3, 2), ("minor_demanding", "attractive_weak", "develop")),
            # strategically important: never withdrawn
            ((4, 2, 2, 2), ("important_easy", "unattractive_weak", "keep")),
            ((3, 3, 1, 1), ("important_demanding", "unattractive_weak", "keep")),
            # stage 1 half rated: no adjustment
            ((4, 0, 2, 2), (False, "unattractive_weak", "withdraw")),
            # no attractiveness or relationship: no proposal
            ((4, 4, 0, 5), ("important_demanding", False, False)),
            ((4, 4, 5, 0), ("important_demanding", False, False)),
        ]
        seg = self._seg()
        for (imp, eff, att, rel), expected in table:
            with self.subTest(ratings=(imp, eff, att, rel)):
                seg.with_user(self.salesperson).write(
                    {"importance": imp, "effort": eff, "attractiveness": att, "relationship": rel}
                )
                self.assertEqual(
                    (seg.stage1_quadrant, seg.stage2_quadrant, seg.proposed_decision), expected
                )
                self.assertEqual(seg.attractiveness_source, "rated" if att else False)

    def test_quadrant_labels_are_readable(self):
        seg = self._seg(importance=4, effort=4, attractiveness=4, relationship=1)
        labels = dict(seg._fields["stage1_quadrant"]._description_selection(self.env))
        self.assertEqual(labels[seg.stage1_quadrant], "Important, demanding to serve")
        labels = dict(seg._fields["proposed_decision"]._description_selection(self.env))
        self.assertEqual(labels[seg.proposed_decision], "Develop")
        self.assertEqual(labels["keep"], "Keep as is")

    # ------------------------------------------------------------------ bad input
    def test_ratings_out_of_range_refused(self):
        seg = self._seg(importance=2)
        for value in (6, -1):
            for fname in ("importance", "effort", "attractiveness", "relationship"):
                with (
                    self.subTest(field=fname, value=value),
                    self.assertRaises(ValidationError),
                    self.env.cr.savepoint(),
                ):
                    seg.write({fname: value})
        self.assertEqual(seg.importance, 2)
        with self.assertRaises(ValidationError):
            self.Seg.create({"partner_id": self.other.id, "relationship": 6})
        self.assertFalse(self.Seg.search([("partner_id", "=", self.other.id)]))

    def test_one_per_customer_and_company(self):
        self._seg()
        with self.assertRaisesRegex(ValidationError, "already has a segmentation"):
            self.Seg.create({"partner_id": self.customer.id, "company_id": self.company.id})
        # The other company of ours has its own.
        seg2 = self.Seg.create({"partner_id": self.customer.id, "company_id": self.company2.id})
        self.assertEqual(self.Seg._kam_get_or_create(self.customer, self.company2), seg2)

    def test_contact_maps_to_its_company(self):
        seg = self.Seg._kam_get_or_create(self.contact)
        self.assertEqual(seg.partner_id, self.customer)
        self.assertEqual(self.Seg._kam_get_or_create(self.customer), seg)
        with self.assertRaisesRegex(ValidationError, "not its contact"):
            self.Seg.create({"partner_id": self.contact.id, "company_id": self.company2.id})

    def test_decision_fields_only_by_the_button(self):
        seg = self._seg()
        with self.assertRaisesRegex(UserError, "Confirm decision button"):
            seg.with_user(self.manager).write({"decision": "develop"})
        self.assertFalse(seg.decision)

    # ------------------------------------------------------------------ confirmation
    @freeze_time("2026-03-10 09:00:00")
    def test_owner_confirms_the_proposal(self):
        seg = self._seg().with_user(self.salesperson)
        seg.write({"importance": 4, "effort": 2, "attractiveness": 4, "relationship": 2})
        self.assertEqual(seg.proposed_decision, "develop")
        seg.action_confirm_decision()
        self.assertEqual(seg.decision, "develop")
        self.assertEqual(seg.decided_by_id, self.salesperson)
        self.assertEqual(str(seg.decision_date), "2026-03-10 09:00:00")
        self.assertFalse(seg.proposal_differs)
        row = seg.history_ids
        self.assertEqual(len(row), 1)
        self.assertEqual(
            (row.old_decision, row.new_decision, row.proposed_decision, row.user_id),
            (False, "develop", "develop", self.salesperson),
        )
        self.assertEqual(
            (row.importance, row.effort, row.attractiveness, row.relationship), (4, 2, 4, 2)
        )
        self.assertEqual(self.customer.kam_decision, "develop")
        self.assertEqual(self.contact.kam_decision, "develop")

    def test_key_account_manager_confirms_a_chosen_decision(self):
        self.other.key_account_manager_id = self.salesperson
        seg = self._seg(self.other, attractiveness=4, relationship=4)
        self.assertEqual(seg.proposed_decision, "keep")
        seg = seg.with_user(self.salesperson)
        self.assertTrue(seg.can_decide)
        seg.write({"chosen_decision": "develop", "decision_reason": "New plant in 2027"})
        seg.action_confirm_decision()
        self.assertEqual(seg.decision, "develop")
        self.assertFalse(seg.chosen_decision)
        self.assertTrue(seg.proposal_differs)
        self.assertEqual(seg.history_ids.reason, "New plant in 2027")
        self.assertEqual(seg.history_ids.proposed_decision, "keep")

    def test_manager_confirms_any_account(self):
        seg = self._seg(self.other, attractiveness=1, relationship=1).with_user(self.manager)
        self.assertTrue(seg.can_decide)
        seg.action_confirm_decision(decision="keep", reason="Still our reference in Oulu")
        self.assertEqual((seg.decision, seg.decided_by_id), ("keep", self.manager))
        self.assertTrue(seg.proposal_differs)
        Partner = self.env["res.partner"]
        self.assertIn(self.other, Partner.search([("kam_decision", "=", "keep")]))
        self.assertNotIn(self.other, Partner.search([("kam_decision", "=", "withdraw")]))
        self.assertIn(self.other, Partner.search([("kam_decision_proposed", "=", "withdraw")]))
        self.assertIn(self.other, Partner.search([("kam_decision", "in", ["keep", "develop"])]))
        self.assertNotIn(self.other, Partner.search([("kam_decision", "!=", "keep")]))
        self.assertIn(self.customer, Partner.search([("kam_decision", "=", False)]))
        self.assertNotIn(self.other, Partner.search([("kam_decision", "=", False)]))
        mine = self.Seg.search([("partner_id", "in", (self.customer | self.other).ids)])
        self.assertEqual(self.Seg.search([("proposal_differs", "=", True)]) & mine, seg)

    def test_other_salesperson_refused(self):
        seg = self._seg(attractiveness=4, relationship=2)
        as_other = seg.with_user(self.salesperson2)
        self.assertFalse(as_other.can_decide)
        with self.assertRaisesRegex(UserError, "Sally Sales"):
            as_other.action_confirm_decision()
        with self.assertRaises(UserError):
            as_other.action_confirm_decision(decision="develop", reason="Mine now")
        self.assertFalse(seg.decision)
        self.assertFalse(seg.history_ids)
        # She reads it, but cannot rate it.
        self.assertEqual(as_other.proposed_decision, "develop")
        with self.assertRaises(AccessError), mute_logger("odoo.addons.base.models.ir_rule"):
            as_other.write({"relationship": 5})
        self.assertEqual(seg.relationship, 2)

    def test_withdraw_needs_a_reason(self):
        seg = self._seg(importance=1, effort=4, attractiveness=1, relationship=1)
        mine = seg.with_user(self.salesperson)
        self.assertEqual(seg.proposed_decision, "withdraw")
        with self.assertRaisesRegex(UserError, "reason to withdraw"):
            mine.action_confirm_decision()
        with self.assertRaisesRegex(UserError, "reason to withdraw"):
            mine.action_confirm_decision(reason="   ")
        self.assertFalse(seg.decision)
        self.assertFalse(seg.history_ids)
        # Several at once: one bad row, nothing written for either.
        good = self._seg(self.other, attractiveness=4, relationship=4)
        with self.assertRaises(UserError):
            (good | seg).with_user(self.manager).action_confirm_decision()
        self.assertFalse(good.decision or good.history_ids)
        mine.action_confirm_decision(reason="Orders once a year, needs weekly visits")
        self.assertEqual(seg.decision, "withdraw")
        self.assertEqual(seg.history_ids.reason, "Orders once a year, needs weekly visits")

    def test_nothing_to_confirm(self):
        seg = self._seg(importance=4, effort=4)
        with self.assertRaisesRegex(UserError, "no proposal yet"):
            seg.with_user(self.salesperson).action_confirm_decision()
        self.assertFalse(seg.history_ids)

    def test_history_rows(self):
        seg = self._seg(attractiveness=4, relationship=2).with_user(self.salesperson)
        with freeze_time("2026-01-05 08:00:00"):
            seg.action_confirm_decision()
        seg.write({"relationship": 4})
        with freeze_time("2026-06-05 08:00:00"):
            seg.action_confirm_decision()
        seg.write({"attractiveness": 2, "relationship": 1, "decision_reason": "Lost the tender"})
        with freeze_time("2026-11-05 08:00:00"):
            seg.with_user(self.manager).action_confirm_decision()
        rows = seg.history_ids.sorted("date")
        self.assertEqual(
            [(r.old_decision, r.new_decision, r.proposed_decision) for r in rows],
            [
                (False, "develop", "develop"),
                ("develop", "keep", "keep"),
                ("keep", "withdraw", "withdraw"),
            ],
        )
        self.assertEqual(
            [(r.attractiveness, r.relationship) for r in rows], [(4, 2), (4, 4), (2, 1)]
        )
        self.assertEqual(rows.user_id, self.salesperson | self.manager)
        self.assertEqual([r.reason for r in rows], [False, False, "Lost the tender"])
        self.assertEqual(seg.decision, "withdraw")
        # The trail is read-only for everyone in the sales org.
        with self.assertRaises(AccessError):
            rows[0].with_user(self.manager).write({"reason": "rewritten"})
        with self.assertRaises(AccessError):
            self.env["kam.segmentation.history"].with_user(self.salesperson).create(
                {"segmentation_id": seg.id, "new_decision": "develop"}
            )

    # ------------------------------------------------------------------ companies, class
    def test_second_company_isolated(self):
        seg1 = self._seg(attractiveness=4, relationship=2)
        seg1.action_confirm_decision()
        seg2 = self._seg(company=self.company2, attractiveness=1, relationship=4)
        seg2.with_company(self.company2).action_confirm_decision()
        self.assertEqual((seg1.decision, seg2.decision), ("develop", "keep"))
        self.assertEqual(self.customer.with_company(self.company).kam_decision, "develop")
        self.assertEqual(self.customer.with_company(self.company2).kam_decision, "keep")
        Partner = self.env["res.partner"]
        self.assertIn(
            self.customer,
            Partner.with_company(self.company2).search([("kam_decision", "=", "keep")]),
        )
        self.assertNotIn(
            self.customer,
            Partner.with_company(self.company).search([("kam_decision", "=", "keep")]),
        )
        # A salesperson of the first company only never sees the second one's row.
        visible = self.Seg.with_user(self.salesperson2).search(
            [("partner_id", "=", self.customer.id)]
        )
        self.assertEqual(visible, seg1)
        with self.assertRaises(AccessError):
            seg2.with_user(self.salesperson2).read(["decision"])

    def test_listed_by_class_of_its_company(self):
        self.customer.with_company(self.company).abc_class_manual = "A"
        self.customer.with_company(self.company2).abc_class_manual = "C"
        self.other.with_company(self.company).abc_class_manual = "B"
        seg_a = self._seg()
        seg_c = self._seg(company=self.company2)
        seg_b = self._seg(self.other)
        self.assertEqual((seg_a.abc_class, seg_c.abc_class, seg_b.abc_class), ("A", "C", "B"))
        groups = self.Seg.with_company(self.company)._read_group(
            [("id", "in", (seg_a | seg_b | seg_c).ids)], ["abc_class"], ["id:recordset"]
        )
        self.assertEqual(dict(groups), {"A": seg_a, "B": seg_b, "C": seg_c})
        ours = seg_a | seg_b | seg_c
        self.assertEqual(self.Seg.search([("abc_class", "=", "C")]) & ours, seg_c)
        self.assertEqual(
            self.Seg.search([("abc_class", "in", ["A", "B"])]) & (seg_a | seg_b | seg_c),
            seg_a | seg_b,
        )
        self.assertNotIn(seg_a, self.Seg.search([("abc_class", "!=", "A")]))
        # The class moves with the partner's, with no recompute of the segmentation.
        self.other.with_company(self.company).abc_class_manual = "A"
        self.assertEqual(self.Seg.search([("abc_class", "=", "A")]) & seg_b, seg_b)
        seg_b.invalidate_recordset()
        self.assertEqual(seg_b.abc_class, "A")
        # Unclassified customers are found too.
        person = self.env["res.partner"].create({"name": "Ville Yksityinen"})
        seg_none = self._seg(person)
        self.assertFalse(seg_none.abc_class)
        self.assertIn(seg_none, self.Seg.search([("abc_class", "=", False)]))
        self.assertNotIn(seg_none, self.Seg.search([("abc_class", "!=", False)]))

    def test_portal_has_no_access(self):
        self._seg()
        with self.assertRaises(AccessError):
            self.Seg.with_user(self.portal_user).search([])

    def test_partner_button(self):
        action = self.customer.action_kam_open_segmentation()
        self.assertFalse(action.get("res_id"))
        self.assertEqual(action["context"]["default_partner_id"], self.customer.id)
        seg = self._seg()
        action = self.contact.with_user(self.salesperson).action_kam_open_segmentation()
        self.assertEqual(action["res_id"], seg.id)
