from datetime import datetime, timedelta, timezone

import pytest

from devices.printer import TicketContent
from devices.printer.standin import PrinterStandIn

CST = timezone(timedelta(hours=8))


@pytest.fixture
def standin():
    with PrinterStandIn() as s:
        yield s


@pytest.fixture
def ticket():
    return TicketContent(
        hall_name="荆州经开区政务服务中心",
        number="A023",
        service_name="个体工商户设立登记",
        ahead=3,
        estimated_wait_s=610,
        issued_at=datetime(2025, 3, 4, 9, 12, 33, tzinfo=CST),
        track_url="https://hall.example.cn/t/8f3a2c",
        materials="1. 经营者身份证原件\n2. 经营场所使用证明（房产证或租赁合同）\n3. 个体工商户登记（备案）申请书",
        priority_label="优先",
        citizen_name="张三明",
        citizen_id="110101199001011234",
        window_hint="法人服务区 3-8 号综窗",
    )
