"""The segmentation rule from plain values: no database, no registry."""

import itertools
import unittest

from odoo.addons.key_account_mgmt.tools.ratings import is_valid_rating
from odoo.addons.key_account_mgmt.tools.segmentation import (
    DECISIONS,
    attractiveness_from_score,
    proposed_decision,
    stage1_quadrant,
    stage2_quadrant,
)


class TestSegmentationRule(unittest.TestCase):
    def test_quadrants(self):
        self.assertEqual(stage1_quadrant(3, 2), "important_easy")
        self.assertEqual(stage1_quadrant(3, 3), "important_demanding")
        self.assertEqual(stage1_quadrant(2, 2), "minor_easy")
        self.assertEqual(stage1_quadrant(2, 3), "minor_demanding")
        self.assertFalse(stage1_quadrant(0, 5))
        self.assertFalse(stage1_quadrant(5, 0))
        self.assertEqual(stage2_quadrant(3, 2), "attractive_weak")
        self.assertEqual(stage2_quadrant(5, 5), "attractive_strong")
        self.assertEqual(stage2_quadrant(1, 3), "unattractive_strong")
        self.assertEqual(stage2_quadrant(2, 1), "unattractive_weak")
        self.assertFalse(stage2_quadrant(0, 3))

    def test_base_decision_from_stage_2(self):
        self.assertEqual(proposed_decision(0, 0, 4, 2), "develop")
        self.assertEqual(proposed_decision(0, 0, 4, 4), "keep")
        self.assertEqual(proposed_decision(0, 0, 2, 4), "keep")
        self.assertEqual(proposed_decision(0, 0, 2, 2), "withdraw")

    def test_stage_1_adjusts(self):
        # Less important and demanding: a keep becomes withdraw unless attractive.
        self.assertEqual(proposed_decision(2, 3, 2, 4), "withdraw")
        self.assertEqual(proposed_decision(2, 3, 3, 4), "keep")
        # ... it does not touch develop.
        self.assertEqual(proposed_decision(2, 3, 3, 2), "develop")
        # Less important but easy to serve: no change.
        self.assertEqual(proposed_decision(2, 2, 2, 4), "keep")
        # Important: never withdrawn.
        self.assertEqual(proposed_decision(3, 1, 1, 1), "keep")
        self.assertEqual(proposed_decision(5, 5, 2, 2), "keep")
        # Half a stage 1: no adjustment.
        self.assertEqual(proposed_decision(5, 0, 2, 2), "withdraw")
        self.assertEqual(proposed_decision(0, 5, 2, 4), "keep")

    def test_no_proposal_without_stage_2(self):
        self.assertFalse(proposed_decision(5, 5, 0, 5))
        self.assertFalse(proposed_decision(5, 5, 5, 0))

    def test_every_combination_gives_a_known_decision(self):
        known = {key for key, _label in DECISIONS}
        for ratings in itertools.product(range(6), repeat=4):
            decision = proposed_decision(*ratings)
            if ratings[2] and ratings[3]:
                self.assertIn(decision, known, ratings)
            else:
                self.assertFalse(decision, ratings)

    def test_attractiveness_from_score(self):
        cases = {
            None: 0,
            0: 1,
            19.99: 1,
            20: 2,
            39.5: 2,
            40: 3,
            59.99: 3,
            60: 4,
            79.99: 4,
            80: 5,
            100: 5,
        }
        for score, expected in cases.items():
            with self.subTest(score=score):
                self.assertEqual(attractiveness_from_score(score), expected)

    def test_valid_ratings(self):
        self.assertTrue(all(is_valid_rating(v) for v in range(6)))
        self.assertFalse(is_valid_rating(6))
        self.assertFalse(is_valid_rating(-1))
