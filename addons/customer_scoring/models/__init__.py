from . import res_company
from . import res_config_settings
from . import customer_score
from . import customer_score_mark
from . import customer_score_run
from . import account_move
from . import res_partner
from . import customer_kpi
