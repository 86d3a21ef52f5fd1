"""Human document numbers: consecutive per series and year, never shared under parallel transactions."""
import threading

import pytest
from django.db import connection, transaction

from portal.numbering import next_number


@pytest.mark.django_db
def test_numbers_count_up_per_series_and_year():
    assert next_number("ORD", year=2026) == "ORD-2026-000001"
    assert next_number("ORD", year=2026) == "ORD-2026-000002"
    assert next_number("QUO", year=2026) == "QUO-2026-000001"
    assert next_number("ORD", year=2027) == "ORD-2027-000001"


@pytest.mark.django_db
def test_a_rolled_back_transaction_gives_its_number_back():
    with pytest.raises(RuntimeError), transaction.atomic():
        assert next_number("RMA", year=2026) == "RMA-2026-000001"
        raise RuntimeError
    assert next_number("RMA", year=2026) == "RMA-2026-000001"


@pytest.mark.django_db(transaction=True)
def test_parallel_transactions_never_share_a_number():
    numbers, errors = [], []
    start = threading.Barrier(12)

    def take():
        try:
            start.wait()
            with transaction.atomic():
                numbers.append(next_number("ORD", year=2030))
        except Exception as exc:  # noqa: BLE001  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=take) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(numbers) == [f"ORD-2030-{n:06d}" for n in range(1, 13)]
