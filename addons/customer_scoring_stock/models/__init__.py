from . import customer_kpi_snapshot
from . import customer_kpi_target
from . import customer_kpi_progress
