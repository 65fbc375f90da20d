from . import kam_stakeholder_group
from . import res_partner
