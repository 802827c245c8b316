from .cases import case_detail, case_list, case_new  # noqa: F401
from .ratings import paper_rating, ranking  # noqa: F401
