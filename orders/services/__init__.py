"""Every write and every rule of orders, one module per part of the stage. Pages, API, admin and tasks call these."""
from .cart import (  # noqa: F401
    add_checked_lines_to_cart_unchecked,
    add_lines_to_cart,
    add_to_cart,
    clear_cart,
    remove_cart_line,
    set_cart_line_quantity,
)
from .lines import AddedLine, CheckedLine, LineProblem, check_lines, check_quantity, require_cart  # noqa: F401
from .quick_order import (  # noqa: F401
    QuickOrderResult,
    add_quick_order,
    add_quick_order_to_list,
    read_lines,
    resolve_lines,
)
from .saved_lists import (  # noqa: F401
    add_lines_to_list,
    add_list_to_cart,
    create_saved_list,
    delete_saved_list,
    remove_list_line,
    rename_saved_list,
    save_cart_as_list,
    set_list_line_quantity,
)
