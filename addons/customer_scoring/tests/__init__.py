from . import test_install
from . import test_figures
from . import test_run
from . import test_security
from . import test_kpi
from . import test_score_rules
from . import test_kpi_history
from . import test_tour_accountant
