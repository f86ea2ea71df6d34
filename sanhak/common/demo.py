"""Deterministic, realistic demo data: tenant companies, people, courses, offerings and enrollments.

`demo_seed(scale=..., seed=...)` first calls `personas_create()` (so every demo login is exactly a
test persona) and then bulk-inserts generated rows. Everything random comes from one
`random.Random(seed)`; the only input from the clock is today's date, which picks the three terms
(the one running or next, the one before and the one after) so that there are always upcoming
offerings. Two runs on the same day with the same seed produce the same data.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import random
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import models, reset_queries, transaction
from django.utils import timezone

from sanhak.accounts.models import Institution, PrivacyConsent, Role, RoleAssignment, TraineeProfile, User
from sanhak.common.errors import DomainError
from sanhak.common.models import refresh_planner_statistics
from sanhak.common.personas import DEMO_PASSWORD, Personas, personas_create
from sanhak.companies.models import BRN_WEIGHTS, Company, IndustrialComplex, KsicCode
from sanhak.competencies.models import Competency, Track
from sanhak.courses.models import Course, CourseCompetency, Mode, Offering, Program, Session
from sanhak.courses.search import index_text
from sanhak.demand.demo import demand_seed
from sanhak.enrollment.models import Enrollment, Source, Status
from sanhak.labs.demo import labs_seed
from sanhak.labs.models import Equipment, Reservation
from sanhak.learning.demo import learning_seed
from sanhak.scheduling.demo import scheduling_seed

KST = ZoneInfo("Asia/Seoul")
DEMO_EMAIL_DOMAIN = "demo.sanhak.test"
DEFAULT_SEED = 2026
BATCH = 2000  # rows per INSERT (Django lowers it to the backend's parameter limit on SQLite)
CHUNK = 5000  # generated people / enrollments held in memory at once
PERSONA_BRNS = ("1248100998", "2208162517")
LAB_EQUIPMENT = {"small": 30, "namdong": 120, "national": 500}  # shared equipment per scale


@dataclass(frozen=True)
class Scale:
    """Totals after seeding (the demo personas included)."""

    name: str
    companies: int
    trainees: int
    courses: int
    offerings: int
    enrollments: int
    instructors: int
    managers: int

    @property
    def generated_users(self) -> int:
        # coordinators of the two other institutions + instructors + managers + trainees, minus personas
        return 2 + (self.instructors - 1) + (self.managers - 2) + (self.trainees - 4)


SCALES: dict[str, Scale] = {
    "small": Scale(
        "small", companies=100, trainees=200, courses=40, offerings=120, enrollments=300, instructors=12, managers=25
    ),
    "namdong": Scale(
        "namdong",
        companies=8_000,
        trainees=20_000,
        courses=400,
        offerings=1_200,
        enrollments=60_000,
        instructors=150,
        managers=2_000,
    ),
    "national": Scale(
        "national",
        companies=80_000,
        trainees=200_000,
        courses=4_000,
        offerings=12_000,
        enrollments=600_000,
        instructors=1_500,
        managers=20_000,
    ),
}


# --------------------------------------------------------------------------------------------
# Refusing production
# --------------------------------------------------------------------------------------------


class DemoRefusedError(DomainError):
    code = "demo_refused"


def demo_settings_modules() -> list[str]:
    names = [getattr(settings, "SETTINGS_MODULE", "") or "", os.environ.get("DJANGO_SETTINGS_MODULE", "")]
    return [n for n in dict.fromkeys(names) if n]


def demo_allowed(*, settings_modules: Sequence[str], debug: bool) -> bool:
    """Never under a `*.production` settings module; without DEBUG only under `*.local` or `*.test`."""
    leaves = {m.rsplit(".", 1)[-1] for m in settings_modules}
    if "production" in leaves:
        return False
    return debug or bool(leaves & {"local", "test"})


def demo_guard() -> None:
    if not demo_allowed(settings_modules=demo_settings_modules(), debug=bool(settings.DEBUG)):
        raise DemoRefusedError(
            "운영(production) 설정에서는 데모 데이터를 만들 수 없습니다. / "
            "Demo data is refused under production settings "
            f"({', '.join(demo_settings_modules()) or 'unknown'}, DEBUG={settings.DEBUG})."
        )


def demo_database_has_data() -> bool:
    return Company.objects.exists() or Course.objects.exists()


def demo_database_has_foreign_data() -> bool:
    """Data that seeding would clash with (the personas alone are fine: they are re-used)."""
    return (
        Course.objects.exists()
        or Company.objects.exclude(brn__in=PERSONA_BRNS).exists()
        or User.objects.filter(email__endswith=f"@{DEMO_EMAIL_DOMAIN}").exists()
    )


# --------------------------------------------------------------------------------------------
# Word lists
# --------------------------------------------------------------------------------------------

SURNAMES: list[tuple[str, float]] = [
    ("김", 21.6),
    ("이", 14.8),
    ("박", 8.5),
    ("최", 4.7),
    ("정", 4.4),
    ("강", 2.4),
    ("조", 2.1),
    ("윤", 2.1),
    ("장", 2.0),
    ("임", 1.7),
    ("한", 1.5),
    ("오", 1.5),
    ("서", 1.5),
    ("신", 1.4),
    ("권", 1.4),
    ("황", 1.4),
    ("안", 1.3),
    ("송", 1.3),
    ("전", 1.1),
    ("홍", 1.1),
    ("유", 1.1),
    ("고", 0.9),
    ("문", 0.9),
    ("양", 0.9),
    ("손", 0.9),
    ("배", 0.8),
    ("백", 0.8),
    ("허", 0.6),
    ("노", 0.5),
    ("남", 0.5),
    ("심", 0.5),
    ("하", 0.5),
    ("곽", 0.4),
    ("성", 0.4),
    ("차", 0.4),
    ("주", 0.4),
    ("우", 0.4),
    ("구", 0.4),
    ("민", 0.4),
    ("진", 0.3),
]
GIVEN_FIRST = list("민서지현준도예하수영성재동상정승유은태진혜경주우건시윤다소채가나연종병기용형세찬")
GIVEN_SECOND = list("준우호민현진수영희연아은빈훈혁원석서윤경규환율린찬철식미정")

COMPANY_FIRST = list("대한세동삼우태신영성진일미금서유화명경제정현광보상승원중청효창장국남부인용건덕수")
COMPANY_SECOND = list("성일진양화광영한우신아원림흥도산명창호지전보경운남덕인풍방")
COMPANY_BRANDS = [
    "에이스",
    "글로벌",
    "나노",
    "스마트",
    "뉴",
    "하이",
    "코리아",
    "인터",
    "알파",
    "제이",
    "케이",
    "에스엠",
    "디엔",
    "와이",
    "티에스",
    "에이치",
    "비전",
    "유니",
    "그린",
    "씨엔",
]

# KSIC rev. 10 sub-classes (materials, parts, equipment and root industries) and what such a
# company makes. Division weights follow the Namdong mix (fabricated metal and machinery first).
KSIC_PRODUCTS: dict[str, list[str]] = {
    "22192": ["고무 패킹", "오링", "방진 고무"],
    "22199": ["고무 롤러", "고무 호스 어셈블리"],
    "22211": ["PE 호스", "PVC 파이프"],
    "22213": ["PC 시트", "아크릴 판"],
    "22232": ["PET 용기", "화장품 용기"],
    "22241": ["자동차 내장 플라스틱 부품", "범퍼 사출품"],
    "22249": ["가전 사출 부품", "기계 커버 사출품"],
    "22292": ["플라스틱 코팅 필름", "도금 플라스틱 부품"],
    "22299": ["플라스틱 사출 성형품", "정밀 사출 부품"],
    "24122": ["냉간 압연 강판", "냉간 인발 강봉"],
    "24133": ["관 이음쇠", "강관 피팅"],
    "24191": ["아연 도금 강판", "컬러 강판"],
    "24222": ["알루미늄 압출 프로파일", "알루미늄 방열판"],
    "24311": ["회주철 주물", "덕타일 주물"],
    "24312": ["강 주물 부품"],
    "24321": ["알루미늄 다이캐스팅 부품", "알루미늄 주물 하우징"],
    "24322": ["동 주물 부품", "청동 부시"],
    "25112": ["철골 구조물", "플랜트 철구조물"],
    "25122": ["스테인리스 탱크", "압력 용기"],
    "25911": ["분말야금 부품", "소결 기어"],
    "25912": ["단조 플랜지", "열간 단조 부품"],
    "25913": ["자동차 프레스 부품", "차체 브래킷"],
    "25914": ["정밀 프레스 부품", "전자 부품 프레스 가공품"],
    "25921": ["금속 열처리(침탄·고주파)", "진공 열처리"],
    "25922": ["아연 도금", "니켈·크롬 도금", "무전해 니켈 도금"],
    "25923": ["분체 도장", "전착 도장"],
    "25924": ["CNC 정밀 가공 부품", "머시닝 가공품"],
    "25929": ["레이저 절단·절곡 가공", "판금 가공품"],
    "25941": ["볼트·너트", "특수 볼트"],
    "25942": ["정밀 나사", "리벳"],
    "25943": ["정밀 스프링", "판 스프링"],
    "25944": ["와이어 가공품", "철망"],
    "25999": ["금속 브래킷", "금속 가공 부품"],
    "26129": ["전력 반도체 소자", "센서 칩"],
    "26222": ["다층 PCB", "양면 PCB"],
    "26223": ["FPCB", "연성 회로기판"],
    "26224": ["SMT 실장 PCB 어셈블리", "제어 보드"],
    "26294": ["변압기 코일", "인덕터"],
    "26295": ["산업용 센서 모듈", "온습도 센서"],
    "26299": ["전자 부품 모듈", "커넥터 하네스"],
    "27212": ["전자 계측기", "전력 분석기"],
    "27213": ["재료 시험기", "경도 시험기"],
    "27215": ["자동 제어 장치", "온도 조절기"],
    "27216": ["공정 제어 장비", "유량 제어기"],
    "27219": ["정밀 측정기", "3차원 측정기"],
    "27301": ["광학 렌즈", "카메라 렌즈 모듈"],
    "28111": ["산업용 모터", "BLDC 모터"],
    "28112": ["변압기", "몰드 변압기"],
    "28114": ["ESS 배터리 팩"],
    "28119": ["인버터", "정류기"],
    "28121": ["차단기", "개폐기"],
    "28122": ["커넥터", "단자대"],
    "28123": ["배전반", "자동제어반(MCC)"],
    "28202": ["이차전지 부품", "배터리 셀 케이스"],
    "28302": ["전선", "산업용 케이블"],
    "28422": ["LED 조명기구", "산업용 LED 투광등"],
    "29120": ["유압 실린더", "유압 밸브"],
    "29131": ["산업용 펌프", "정량 펌프"],
    "29132": ["공기 압축기", "진공 펌프"],
    "29133": ["산업용 밸브", "볼 밸브"],
    "29141": ["베어링", "볼 베어링"],
    "29142": ["감속기", "기어 박스"],
    "29150": ["산업용 열처리로", "건조로"],
    "29163": ["컨베이어 시스템", "벨트 컨베이어"],
    "29169": ["자동화 이송 장비", "리프트 장치"],
    "29172": ["공조기", "항온항습기"],
    "29173": ["산업용 송풍기", "배기 팬"],
    "29174": ["집진기", "필터 하우징"],
    "29176": ["열교환기", "쿨링 타워 부품"],
    "29192": ["포장 자동화 기계", "충전기"],
    "29199": ["자동화 설비 부품", "지그·픽스처"],
    "29221": ["레이저 가공기", "방전 가공기"],
    "29222": ["3D 프린터", "금속 적층 장비"],
    "29223": ["CNC 선반", "머시닝센터"],
    "29224": ["프레스 기계", "절곡기"],
    "29229": ["공작기계 부품", "자동차 부품 금형"],
    "29271": ["반도체 장비 부품", "웨이퍼 이송 장치"],
    "29272": ["디스플레이 장비", "검사 장비"],
    "29280": ["산업용 로봇", "로봇 그리퍼"],
    "29292": ["사출 성형기", "압출기"],
    "29294": ["프레스 금형", "사출 금형"],
    "29299": ["자동화 전용기", "검사 자동화 장비"],
    "30310": ["엔진 부품", "실린더 헤드"],
    "30320": ["차체 부품", "도어 모듈"],
    "30331": ["변속기 부품", "클러치 부품"],
    "30332": ["와이어링 하네스", "전장 부품"],
    "30391": ["조향 장치 부품", "현가장치 부품"],
    "30392": ["브레이크 부품", "브레이크 패드"],
    "30393": ["시트 프레임", "시트 레일"],
    "30399": ["자동차 부품", "배기계 부품"],
}
DIVISION_WEIGHTS = {"25": 30, "29": 25, "26": 10, "28": 10, "22": 10, "30": 8, "24": 4, "27": 3}
DIVISION_SUFFIXES = {
    "22": ["화학", "플라스틱", "폴리텍", "케미칼", "산업"],
    "24": ["금속", "메탈", "철강", "산업"],
    "25": ["정밀", "금속", "정공", "기공", "공업", "메탈"],
    "26": ["전자", "테크", "일렉트로닉스", "이노텍"],
    "27": ["계측", "인스트루먼트", "정밀", "계기"],
    "28": ["전기", "전기산업", "파워텍", "일렉트릭"],
    "29": ["기계", "엔지니어링", "오토메이션", "기공", "정밀", "테크"],
    "30": ["오토텍", "모터스", "오토모티브", "부품", "산업"],
}
# Names that only fit one kind of business ("○○도금" plates, it does not machine).
CODE_SUFFIXES = {
    "22192": ["고무", "러버텍"],
    "22199": ["고무", "러버텍"],
    "24311": ["주공", "주물"],
    "24312": ["주공", "주강"],
    "24321": ["다이캐스팅", "주공"],
    "24322": ["주공", "주물"],
    "25921": ["열처리", "열연"],
    "25922": ["도금", "표면처리"],
    "25923": ["도장", "코팅"],
    "25941": ["볼트", "파스너"],
    "25943": ["스프링"],
    "26129": ["반도체", "세미콘"],
    "26222": ["써키트", "피씨비"],
    "26223": ["플렉스"],
    "27301": ["광학", "옵틱스"],
    "28114": ["에너지", "배터리"],
    "28202": ["에너지", "배터리"],
    "28422": ["라이팅", "조명"],
    "29271": ["세미텍", "반도체장비"],
    "29272": ["디스플레이", "디스플레이텍"],
    "29280": ["로보틱스", "로봇"],
    "29294": ["금형", "몰드"],
    "29222": ["3D텍"],
}


@dataclass(frozen=True)
class ComplexSpec:
    name: str
    region: str
    prefix: str
    roads: tuple[str, ...]
    dongs: tuple[str, ...]
    area_code: str
    sigungu: str
    tax_offices: tuple[int, ...]
    weight: int


NAMDONG = ComplexSpec(
    "남동국가산업단지",
    "인천 남동구",
    "인천광역시 남동구",
    ("남동대로", "남동서로", "남동동로", "고잔로", "청능대로", "능허대로", "은봉로", "앵고개로", "호구포로", "남촌로"),
    ("고잔동", "남촌동", "논현동"),
    "032",
    "28200",
    (121, 131, 137),
    12,
)
OTHER_COMPLEXES = (
    ComplexSpec(
        "반월국가산업단지",
        "경기 안산시",
        "경기도 안산시 단원구",
        ("산단로", "별망로", "해안로", "강촌로", "목내로"),
        ("성곡동", "목내동", "원시동"),
        "031",
        "41273",
        (134, 140),
        15,
    ),
    ComplexSpec(
        "시화국가산업단지",
        "경기 시흥시",
        "경기도 시흥시",
        ("공단1대로", "공단2대로", "경제로", "희망공원로", "마유로"),
        ("정왕동",),
        "031",
        "41390",
        (233, 140),
        15,
    ),
    ComplexSpec(
        "구미국가산업단지",
        "경북 구미시",
        "경상북도 구미시",
        ("1공단로", "3공단로", "수출대로", "산호대로"),
        ("공단동", "임수동", "시미동"),
        "054",
        "47190",
        (513,),
        15,
    ),
    ComplexSpec(
        "창원국가산업단지",
        "경남 창원시",
        "경상남도 창원시 성산구",
        ("공단로", "완암로", "팔용로", "창원대로"),
        ("성주동", "웅남동", "외동"),
        "055",
        "48123",
        (608, 609),
        18,
    ),
    ComplexSpec(
        "울산미포국가산업단지",
        "울산 남구",
        "울산광역시 남구",
        ("용잠로", "산업로", "부두로", "처용로"),
        ("여천동", "매암동", "용연동"),
        "052",
        "31140",
        (610, 620),
        15,
    ),
    ComplexSpec(
        "광주첨단과학산업단지",
        "광주 광산구",
        "광주광역시 광산구",
        ("첨단과기로", "첨단벤처로", "첨단중앙로"),
        ("오룡동", "대촌동", "월출동"),
        "062",
        "29200",
        (409, 410),
        10,
    ),
)

# Course-title stems per competency of the default catalog; a track-dependent suffix completes them
# ("산업용 로봇 운용" + "실무"). Competencies missing here fall back to their catalog name.
TITLE_STEMS: dict[str, tuple[str, ...]] = {
    "SM-AUT-01": ("PLC 프로그래밍", "시퀀스 제어", "PLC 래더 설계"),
    "SM-AUT-02": ("센서 활용", "산업 계측", "센서 신호처리"),
    "SM-AUT-03": ("공유압 제어", "공압 회로 설계", "유압 시스템 정비"),
    "SM-AUT-04": ("서보모터 제어", "모션 제어", "인버터 구동"),
    "SM-AUT-05": ("산업용 로봇 운용", "로봇 티칭", "산업용 로봇 프로그래밍"),
    "SM-AUT-06": ("협동로봇 적용", "협동로봇 안전", "로봇 위험성 평가"),
    "SM-AUT-07": ("HMI 화면 설계", "SCADA 구축", "설비 모니터링 시스템"),
    "SM-AUT-08": ("산업용 네트워크", "OPC UA 통신", "필드버스 통신"),
    "SM-IOT-01": ("설비 데이터 수집", "IIoT 플랫폼 구축", "MQTT 기반 설비 연결"),
    "SM-IOT-02": ("엣지 컴퓨팅", "임베디드 시스템", "임베디드 제어"),
    "SM-DAT-01": ("제조 데이터 분석", "파이썬 공정 데이터 분석", "생산 데이터 시각화"),
    "SM-DAT-02": ("통계적 공정관리(SPC)", "관리도와 공정능력 분석", "6시그마 품질 개선"),
    "SM-DAT-03": ("제조 AI", "머신러닝 불량 예측", "딥러닝 이상 탐지"),
    "SM-DAT-04": ("머신비전 검사", "비전 검사 시스템", "딥러닝 외관 검사"),
    "SM-DAT-05": ("예지보전", "진동 분석 설비 진단", "설비 고장 예측"),
    "SM-DAT-06": ("제조 데이터베이스", "SQL 데이터 관리", "제조 클라우드 플랫폼"),
    "SM-SYS-01": ("MES 구축", "MES 운영", "생산실적·LOT 추적 관리"),
    "SM-SYS-02": ("ERP 연계", "자재소요계획(MRP)", "공급망 관리(SCM)"),
    "SM-SYS-03": ("생산계획 수립", "APS 생산 스케줄링", "납기 관리"),
    "SM-SYS-04": ("품질경영", "불량 원인 분석", "ISO 9001 품질 관리"),
    "SM-SYS-05": ("설비보전", "TPM 활동", "설비종합효율(OEE) 개선"),
    "SM-SYS-06": ("스마트 물류", "AGV·AMR 운용", "창고관리(WMS)"),
    "SM-SYS-07": ("에너지 관리(FEMS)", "탄소중립 공정", "공장 에너지 효율 개선"),
    "SM-SYS-08": ("린 생산", "공정 개선", "표준작업과 라인 밸런싱"),
    "SM-ENG-01": ("CAD/CAM 설계", "3D 모델링", "솔리드웍스 설계"),
    "SM-ENG-02": ("CNC 가공", "머시닝센터 가공", "CNC 선반 프로그래밍"),
    "SM-ENG-03": ("3D 프린팅", "적층제조 시제품 제작", "금속 3D 프린팅"),
    "SM-ENG-04": ("디지털 트윈", "공정 시뮬레이션", "가상 시운전"),
    "SM-ENG-05": ("CAE 구조 해석", "유동·열 해석", "사출 성형해석"),
    "SM-ENG-06": ("스마트공장 도입 기획", "스마트공장 수준진단", "스마트공장 구축 로드맵"),
    "SM-PRC-01": ("사출성형 공정", "사출 금형", "사출 성형 조건 설정"),
    "SM-PRC-02": ("용접 기술", "금속 열처리", "프레스 금형"),
    "SM-PRC-03": ("표면처리·도금", "도장 공정", "도금 폐수 관리"),
    "SM-PRC-04": ("SMT 공정", "반도체 공정", "PCB 실장 공정"),
    "SM-PRC-05": ("신뢰성 시험", "소재 분석", "환경 시험·인증"),
    "SM-CMN-01": ("산업안전보건", "중대재해 예방", "위험성 평가"),
    "SM-CMN-02": ("OT 보안", "제조 사이버 보안", "제어망 보안"),
}
TRACK_SUFFIXES: dict[str, list[tuple[str, str]]] = {
    "skilled": [
        ("기초", "Fundamentals"),
        ("입문", "Introduction"),
        ("현장 실습", "Shop-floor practice"),
        ("기능 실습", "Hands-on skills"),
        ("실무 기초", "Basic practice"),
    ],
    "technical": [
        ("실무", "In practice"),
        ("응용", "Applications"),
        ("현장 실무", "Field practice"),
        ("구축 실습", "Implementation lab"),
        ("운영 실무", "Operations"),
        ("중급", "Intermediate"),
    ],
    "rnd": [
        ("고급", "Advanced"),
        ("심화", "Advanced topics"),
        ("최적화", "Optimization"),
        ("특론", "Special topics"),
        ("설계 및 연구", "Design and research"),
    ],
}
MODE_SENTENCES = {
    Mode.OFFLINE: "실습실에서 장비를 직접 다루는 오프라인 과정입니다.",
    Mode.BLENDED: "온라인 이론 학습과 오프라인 실습을 병행합니다.",
    Mode.ONLINE: "실시간 화상 강의와 온라인 과제로 진행합니다.",
}
TRACK_SENTENCES = {
    "skilled": "현장 실습 위주로 기본 기능을 익히고 장비를 직접 다룹니다.",
    "technical": "실제 공정 사례로 현장 문제를 분석하고 개선안을 직접 구현합니다.",
    "rnd": "연구 과제와 사례 연구로 고급 설계·분석 역량을 기르고 기업 현장 문제에 적용합니다.",
}
TRACK_HOURS = {"skilled": [16, 20, 24, 30, 40], "technical": [24, 30, 32, 40, 45], "rnd": [30, 45]}
TRACK_RANK = {"skilled": 1, "technical": 2, "rnd": 3}
TRACK_LETTER = {"skilled": "S", "technical": "T", "rnd": "R"}
# (institution code, track code, weight, program name)
PROGRAMS: list[tuple[str, str, int, str]] = [
    ("inu", "rnd", 20, "스마트제조 R&D 전문인력 양성과정(석·박사)"),
    ("inu", "technical", 15, "스마트제조 기술인력 양성과정"),
    ("inha", "rnd", 5, "스마트제조 융합 R&D 과정(대학원)"),
    ("inha", "technical", 20, "스마트제조 기술인력 양성과정(학부·재직자)"),
    ("inha", "skilled", 10, "스마트제조 현장기능 과정(재직자)"),
    ("kopo-incheon", "technical", 10, "스마트팩토리 ICT 기술인력 과정"),
    ("kopo-incheon", "skilled", 20, "뿌리산업 현장기능인력 과정(재직자)"),
]
PROGRAM_EN = {
    "rnd": "Smart manufacturing R&D personnel",
    "technical": "Smart manufacturing technical personnel",
    "skilled": "Smart manufacturing skilled workers",
}
CODE_PREFIX = {"inu": "INU", "inha": "INHA", "kopo-incheon": "KOPO"}
CAMPUS = {
    "inu": ("인천대학교 송도캠퍼스", ("공과대학 8호관", "정보기술대학 7호관", "산학협력관 스마트팩토리 실습실")),
    "inha": ("인하대학교 용현캠퍼스", ("하이테크센터", "2호관", "5호관")),
    "kopo-incheon": ("한국폴리텍대학 인천캠퍼스", ("스마트팩토리 실습동", "메카트로닉스관", "1공학관")),
}
FIELD_SITES = ("남동 스마트그린산단 학습공장(고잔동)", "남동산단 스마트제조 혁신센터 교육장")
ONLINE_LOCATION = "온라인(실시간 화상 강의)"
DAY_SLOTS = (
    (dt.time(9, 0), dt.time(12, 0)),
    (dt.time(10, 0), dt.time(13, 0)),
    (dt.time(13, 0), dt.time(16, 0)),
    (dt.time(14, 0), dt.time(17, 0)),
)
EVENING_SLOT = (dt.time(19, 0), dt.time(22, 0))
SATURDAY_SLOTS = ((dt.time(9, 0), dt.time(13, 0)), (dt.time(13, 0), dt.time(17, 0)))
FIXED_HOLIDAYS = {(1, 1), (3, 1), (5, 5), (6, 6), (8, 15), (10, 3), (10, 9), (12, 25)}
TERM_WEEKS = 16
JOB_TITLES = [
    "생산기술",
    "설비보전",
    "품질관리",
    "생산관리",
    "공정기술",
    "금형",
    "사출",
    "가공",
    "자동화",
    "연구개발",
    "구매·자재",
    "안전관리",
]
REJECT_REASONS = ["정원 초과로 다음 학기 우선 배정", "선수 과목 미이수", "신청 서류 미비", "수강 대상(트랙) 불일치"]
CANCEL_REASONS = ["본인 취소", "업무 일정 변경", "회사 사정으로 취소"]

PAST, RUNNING, FUTURE = "past", "running", "future"
INCUMBENT, STUDENT = "incumbent", "student"
# Status draws per phase (cumulative weights follow); seats are capped afterwards.
PHASE_STATUSES: dict[str, tuple[list[str], list[float]]] = {
    PAST: ([Status.COMPLETED, Status.APPROVED, Status.REJECTED, Status.CANCELLED], [0.85, 0.88, 0.94, 1.0]),
    RUNNING: ([Status.APPROVED, Status.REJECTED, Status.CANCELLED], [0.85, 0.92, 1.0]),
    FUTURE: ([Status.APPROVED, Status.PENDING, Status.REJECTED, Status.CANCELLED], [0.60, 0.88, 0.94, 1.0]),
}
# ... and for an application that would have had a seat in a full offering.
OVERFLOW_STATUSES: dict[str, tuple[list[str], list[float]]] = {
    PAST: ([Status.REJECTED, Status.CANCELLED], [0.6, 1.0]),
    RUNNING: ([Status.WAITLISTED, Status.REJECTED, Status.CANCELLED], [0.5, 0.8, 1.0]),
    FUTURE: ([Status.WAITLISTED, Status.PENDING, Status.REJECTED], [0.55, 0.85, 1.0]),
}
SEATED = (Status.APPROVED, Status.COMPLETED)


# --------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------


def brn_with_check(first9: str) -> str:
    """Append the National Tax Service check digit to the first nine digits of a BRN."""
    nums = [int(d) for d in first9]
    total = sum(n * w for n, w in zip(nums, BRN_WEIGHTS, strict=True)) + (nums[8] * 5) // 10
    return first9 + str((10 - total % 10) % 10)


@dataclass(frozen=True)
class Term:
    code: str
    start: dt.date  # a Monday
    end: dt.date


def _term(year: int, semester: int) -> Term:
    first = dt.date(year, 3, 2) if semester == 1 else dt.date(year, 9, 1)
    start = first + dt.timedelta(days=(7 - first.weekday()) % 7)
    return Term(f"{year}-{semester}", start, start + dt.timedelta(weeks=TERM_WEEKS, days=-2))


def demo_terms(today: dt.date) -> list[Term]:
    """The term running now or next, with the one before and the one after."""
    seq = [(y, s) for y in range(today.year - 1, today.year + 2) for s in (1, 2)]
    idx = next(i for i, (y, s) in enumerate(seq) if _term(y, s).end >= today)
    idx = max(idx, 1)
    return [_term(*seq[idx - 1]), _term(*seq[idx]), _term(*seq[idx + 1])]


def _kst(day: dt.date, hour: int, minute: int) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=KST)


def _weighted_cum(weights: Iterable[float]) -> list[float]:
    out, acc = [], 0.0
    for w in weights:
        acc += w
        out.append(acc)
    return out


@dataclass
class _Ctx:
    rng: random.Random
    scale: Scale
    today: dt.date
    terms: list[Term]
    password: str
    personas: Personas
    log: Callable[[str], None]
    user_seq: int = 0
    surnames: list[str] = field(default_factory=list)
    surname_cum: list[float] = field(default_factory=list)

    def person_name(self) -> str:
        rng = self.rng
        surname = rng.choices(self.surnames, cum_weights=self.surname_cum)[0]
        first = rng.choice(GIVEN_FIRST)
        second = rng.choice(GIVEN_SECOND)
        while second == first:
            second = rng.choice(GIVEN_SECOND)
        return surname + first + second

    def mobile(self) -> str:
        return f"010-{self.rng.randint(2000, 9999)}-{self.rng.randint(0, 9999):04d}"

    def new_user(self, *, name: str | None = None, joined: dt.date | None = None) -> User:
        self.user_seq += 1
        day = joined or (self.terms[0].start - dt.timedelta(days=self.rng.randint(0, 365)))
        return User(
            email=f"u{self.user_seq:06d}@{DEMO_EMAIL_DOMAIN}",
            name=name or self.person_name(),
            phone=self.mobile(),
            password=self.password,
            date_joined=_kst(day, 9, self.rng.randint(0, 59)),
        )


def _insert(model: type[models.Model], objs: Sequence[models.Model]) -> None:
    model._default_manager.bulk_create(objs, batch_size=BATCH)
    reset_queries()  # with DEBUG on, the logged multi-row INSERTs would pile up in memory


def _users_with(
    ctx: _Ctx,
    users: list[User],
    role: str,
    *,
    institution: Institution | None = None,
    company_ids: Sequence[int] | None = None,
) -> list[int]:
    """Insert users with their role and privacy consent; returns their ids."""
    _insert(User, users)
    policy = settings.PRIVACY_POLICY_VERSION
    roles = [
        RoleAssignment(
            user_id=u.pk,
            role=role,
            institution=institution,
            company_id=company_ids[i] if company_ids is not None else None,
        )
        for i, u in enumerate(users)
    ]
    _insert(RoleAssignment, roles)
    _insert(
        PrivacyConsent, [PrivacyConsent(user_id=u.pk, policy_version=policy, consented_at=u.date_joined) for u in users]
    )
    return [u.pk for u in users]


# --------------------------------------------------------------------------------------------
# Companies
# --------------------------------------------------------------------------------------------


@dataclass
class _Companies:
    ids: list[int]
    employees: list[int]
    manager_of: dict[int, int] = field(default_factory=dict)  # company id -> manager user id


def _company_name(rng: random.Random, code: str, corporation: bool) -> str:
    brand = rng.random() < 0.25
    stem = rng.choice(COMPANY_BRANDS) if brand else rng.choice(COMPANY_FIRST) + rng.choice(COMPANY_SECOND)
    special = CODE_SUFFIXES.get(code)
    suffixes = special if special and rng.random() < 0.6 else DIVISION_SUFFIXES[code[:2]]
    base = stem + rng.choice(suffixes)
    if not corporation:
        return base
    r = rng.random()
    if r < 0.64:
        return f"(주){base}"
    if r < 0.93:
        return f"{base}(주)"
    return f"주식회사 {base}"


def _companies_create(ctx: _Ctx) -> _Companies:
    rng, scale = ctx.rng, ctx.scale
    existing = set(KsicCode.objects.filter(code__in=list(KSIC_PRODUCTS)).values_list("code", flat=True))
    by_division: dict[str, list[str]] = {}
    for code in KSIC_PRODUCTS:
        if code in existing:
            by_division.setdefault(code[:2], []).append(code)
    divisions = [d for d in DIVISION_WEIGHTS if d in by_division]
    if not divisions:
        raise DomainError("KSIC 분류표가 비어 있습니다(migrate 필요). / The KSIC table is empty; run migrate.")
    division_cum = _weighted_cum(DIVISION_WEIGHTS[d] for d in divisions)

    specs = [NAMDONG, *OTHER_COMPLEXES] if scale.name == "national" else [NAMDONG]
    complex_ids = {NAMDONG.name: ctx.personas.complex.pk}
    for spec in specs[1:]:
        obj, _ = IndustrialComplex.objects.get_or_create(name=spec.name, defaults={"region": spec.region})
        complex_ids[spec.name] = obj.pk
    spec_cum = _weighted_cum(s.weight for s in specs)

    used_brns = set(PERSONA_BRNS)
    level_weights = {
        "micro": [45, 35, 15, 4, 1],
        "small": [35, 35, 20, 8, 2],
        "medium": [20, 30, 30, 15, 5],
        "large": [10, 20, 35, 25, 10],
    }
    through = Company.ksic_codes.through
    persona_a, persona_b = ctx.personas.company_a, ctx.personas.company_b
    result = _Companies(ids=[persona_a.pk, persona_b.pk], employees=[persona_a.employees, persona_b.employees])
    n = scale.companies - 2
    for start in range(0, n, CHUNK):
        batch: list[Company] = []
        codes: list[list[str]] = []
        for i in range(start, min(n, start + CHUNK)):
            spec = rng.choices(specs, cum_weights=spec_cum)[0]
            division = rng.choices(divisions, cum_weights=division_cum)[0]
            primary = rng.choice(by_division[division])
            company_codes = [primary]
            if rng.random() < 0.2:
                extra = rng.choice(by_division[rng.choices(divisions, cum_weights=division_cum)[0]])
                if extra != primary:
                    company_codes.append(extra)
            corporation = rng.random() < 0.7
            while True:
                middle = rng.choice((81, 86, 87, 88)) if corporation else rng.randint(1, 79)
                brn = brn_with_check(f"{rng.choice(spec.tax_offices):03d}{middle:02d}{rng.randint(0, 9999):04d}")
                if brn not in used_brns:
                    used_brns.add(brn)
                    break
            employees = max(1, min(1500, round(math.exp(rng.gauss(1.9, 1.05)))))
            band = (
                "micro" if employees < 10 else "small" if employees < 50 else "medium" if employees < 300 else "large"
            )
            level = rng.choices((1, 2, 3, 4, 5), weights=level_weights[band])[0]
            products = KSIC_PRODUCTS[primary]
            product = ", ".join(rng.sample(products, k=min(len(products), rng.choice((1, 1, 2)))))
            founded = rng.randint(1985, 2024)
            address = (
                f"{spec.prefix} {rng.choice(spec.roads)} {rng.randint(10, 400)} "
                f"({rng.choice(spec.dongs)}, {spec.name} {rng.randint(1, 180)}B-{rng.randint(1, 30)}L)"
            )
            batch.append(
                Company(
                    brn=brn,
                    factory_no=f"{spec.sigungu}{founded}{i + 1:06d}" if rng.random() < 0.9 else None,
                    name=_company_name(rng, primary, corporation),
                    employees=employees,
                    address=address,
                    complex_id=complex_ids[spec.name],
                    smart_factory_level=level,
                    products=product,
                    phone=f"{spec.area_code}-{rng.randint(200, 899)}-{rng.randint(0, 9999):04d}",
                )
            )
            codes.append(company_codes)
        _insert(Company, batch)
        links = [through(company_id=c.pk, ksiccode_id=code) for c, cs in zip(batch, codes, strict=True) for code in cs]
        _insert(through, links)
        result.ids.extend(c.pk for c in batch)
        result.employees.extend(c.employees for c in batch)
    ctx.log(f"  companies: {len(result.ids)}")
    return result


def _managers_create(ctx: _Ctx, companies: _Companies) -> None:
    rng = ctx.rng
    p = ctx.personas
    companies.manager_of[p.company_a.pk] = p.manager.pk
    companies.manager_of[p.company_b.pk] = p.manager_b.pk
    chosen = rng.sample(companies.ids[2:], k=ctx.scale.managers - 2)
    for start in range(0, len(chosen), CHUNK):
        part = chosen[start : start + CHUNK]
        users = [ctx.new_user() for _ in part]
        ids = _users_with(ctx, users, Role.COMPANY_MANAGER, company_ids=part)
        companies.manager_of.update(zip(part, ids, strict=True))


# --------------------------------------------------------------------------------------------
# Trainees
# --------------------------------------------------------------------------------------------


@dataclass
class _Trainees:
    incumbents: list[int] = field(default_factory=list)
    employer: dict[int, int] = field(default_factory=dict)
    graduates: dict[str, list[int]] = field(default_factory=dict)  # institution code -> user ids
    undergraduates: dict[str, list[int]] = field(default_factory=dict)
    company_a_workers: list[int] = field(default_factory=list)

    def all_students(self) -> list[int]:
        return [u for ids in (*self.graduates.values(), *self.undergraduates.values()) for u in ids]


def _trainees_create(ctx: _Ctx, companies: _Companies, institutions: dict[str, Institution]) -> _Trainees:
    rng, p = ctx.rng, ctx.personas
    n = ctx.scale.trainees - 4
    n_inc = round(n * 0.6)
    n_grad = round(n * 0.1)
    employer_cum = _weighted_cum(companies.employees)
    forced_employers = [p.company_a.pk] * 6 + [p.company_b.pk] * 4
    grad_insts, grad_cum = ["inu", "inha"], _weighted_cum([7, 3])
    ug_insts, ug_cum = ["inu", "inha", "kopo-incheon"], _weighted_cum([35, 35, 30])
    out = _Trainees()
    for start in range(0, n, CHUNK):
        users: list[User] = []
        profiles: list[TraineeProfile] = []
        for i in range(start, min(n, start + CHUNK)):
            user = ctx.new_user()
            users.append(user)
            if i < n_inc:
                if i < len(forced_employers):
                    employer = forced_employers[i]
                else:
                    employer = rng.choices(companies.ids, cum_weights=employer_cum)[0]
                profiles.append(
                    TraineeProfile(
                        user=user,
                        kind=TraineeProfile.Kind.INCUMBENT,
                        employer_id=employer,
                        job_title=rng.choice(JOB_TITLES),
                        prefers_evening=rng.random() < 0.7,
                        prefers_weekend=rng.random() < 0.35,
                    )
                )
            elif i < n_inc + n_grad:
                inst = rng.choices(grad_insts, cum_weights=grad_cum)[0]
                profiles.append(
                    TraineeProfile(user=user, kind=TraineeProfile.Kind.GRADUATE, institution=institutions[inst])
                )
            else:
                inst = rng.choices(ug_insts, cum_weights=ug_cum)[0]
                profiles.append(
                    TraineeProfile(user=user, kind=TraineeProfile.Kind.UNDERGRADUATE, institution=institutions[inst])
                )
        _users_with(ctx, users, Role.TRAINEE)
        for prof in profiles:
            prof.user_id = prof.user.pk
        _insert(TraineeProfile, profiles)
        for prof in profiles:
            uid = prof.user_id
            if prof.kind == TraineeProfile.Kind.INCUMBENT:
                assert prof.employer_id is not None
                out.incumbents.append(uid)
                out.employer[uid] = prof.employer_id
                if prof.employer_id == p.company_a.pk:
                    out.company_a_workers.append(uid)
            else:
                assert prof.institution is not None
                target = out.graduates if prof.kind == TraineeProfile.Kind.GRADUATE else out.undergraduates
                target.setdefault(prof.institution.code, []).append(uid)
    for persona in (p.worker, p.worker2):
        out.employer[persona.pk] = p.company_a.pk
    out.employer[p.worker_b.pk] = p.company_b.pk
    ctx.log(f"  trainees: {n + 4}")
    return out


# --------------------------------------------------------------------------------------------
# Programs and courses
# --------------------------------------------------------------------------------------------


@dataclass
class _CourseInfo:
    pk: int
    institution: str
    track: str
    mode: str
    hours: int
    prerequisites: bool


class _SearchTokens:
    """`course_search_text` with Kiwi run once per distinct part.

    `index_text(*parts)` is the ordered, de-duplicated union of `index_text(part)` over the parts, and
    titles, descriptions and competency names repeat across thousands of generated courses.
    """

    def __init__(self) -> None:
        self.cache: dict[str, list[str]] = {}

    def course(self, course: Course, competency_names: Sequence[str]) -> str:
        # the parts and their order of sanhak.courses.services.course_search_text
        parts = (course.code, course.title_ko, course.title_en, course.description, *competency_names)
        seen: dict[str, None] = {}
        for part in parts:
            morphs = self.cache.get(part)
            if morphs is None:
                morphs = self.cache[part] = [m for m in index_text(part).split(" ") if m]
            for m in morphs:
                seen.setdefault(m, None)
        return "".join(f" {m}" for m in seen)


def _courses_create(ctx: _Ctx, institutions: dict[str, Institution]) -> list[_CourseInfo]:
    rng = ctx.rng
    tracks = {t.code: t for t in Track.objects.all()}
    competencies = list(Competency.objects.order_by("code"))
    programs: dict[tuple[str, str], Program] = {}
    for inst_code, track_code, _w, name in PROGRAMS:
        programs[(inst_code, track_code)], _ = Program.objects.get_or_create(
            institution=institutions[inst_code],
            name_ko=name,
            defaults={"track": tracks[track_code], "name_en": PROGRAM_EN[track_code]},
        )

    def fits(comp: Competency, track: Track) -> tuple[int, int] | None:
        lo, hi = max(comp.level_min, track.level_min), min(comp.level_max, track.level_max)
        return (lo, hi) if lo <= hi else None

    compatible = {code: [c for c in competencies if fits(c, t)] for code, t in tracks.items()}
    combos = [(inst, track) for inst, track, _w, _n in PROGRAMS]
    combo_cum = _weighted_cum(w for _i, _t, w, _n in PROGRAMS)
    coverage = competencies[:]
    rng.shuffle(coverage)
    mode_values, mode_cum = [Mode.OFFLINE, Mode.BLENDED, Mode.ONLINE], _weighted_cum([55, 30, 15])

    tokens = _SearchTokens()
    courses: list[Course] = []
    links: list[tuple[int, list[tuple[Competency, int]]]] = []
    infos: list[_CourseInfo] = []
    prereq_links: list[tuple[int, int]] = []
    by_primary: dict[str, list[tuple[int, int]]] = {}  # competency code -> [(course index, track rank)]
    for idx in range(ctx.scale.courses):
        if idx < len(coverage):
            primary = coverage[idx]
            options = [(i, t) for i, t in combos if fits(primary, tracks[t])]
            inst_code, track_code = rng.choice(options)
        else:
            inst_code, track_code = rng.choices(combos, cum_weights=combo_cum)[0]
            primary = rng.choice(compatible[track_code])
        track = tracks[track_code]
        chosen = [primary]
        extra = rng.choices((0, 1, 2), weights=(50, 35, 15))[0]
        same_domain = [c for c in compatible[track_code] if c.domain_ko == primary.domain_ko and c != primary]
        pool = same_domain or [c for c in compatible[track_code] if c != primary]
        for comp in rng.sample(pool, k=min(extra, len(pool))):
            chosen.append(comp)
        levels: list[tuple[Competency, int]] = []
        for comp in chosen:
            window = fits(comp, track)
            assert window is not None
            levels.append((comp, rng.randint(*window)))
        stems = TITLE_STEMS.get(primary.code) or (primary.name_ko,)
        stem = rng.choice(stems)
        words = set(stem.split())
        suffixes = [s for s in TRACK_SUFFIXES[track_code] if not words & set(s[0].split())]
        suffix_ko, suffix_en = rng.choice(suffixes)
        title = f"{stem} {suffix_ko}"
        mode = rng.choices(mode_values, cum_weights=mode_cum)[0]
        hours = rng.choice(TRACK_HOURS[track_code])
        description = f"{primary.description_ko} {TRACK_SENTENCES[track_code]} {MODE_SENTENCES[mode]}"
        code = f"{CODE_PREFIX[inst_code]}-{TRACK_LETTER[track_code]}{idx + 1:04d}"
        course = Course(
            code=code,
            title_ko=title,
            title_en=f"{primary.name_en}: {suffix_en}",
            description=description,
            institution=institutions[inst_code],
            program=programs[(inst_code, track_code)],
            track=track,
            mode=mode,
            hours=hours,
        )
        # competency names in code order, as course_reindex() would recompute them
        course.search_tokens = tokens.course(course, [c.name_ko for c in sorted(chosen, key=lambda c: c.code)])
        courses.append(course)
        links.append((idx, levels))
        rank = TRACK_RANK[track_code]
        has_prereq = False
        if idx >= len(coverage) and rng.random() < 0.08:
            earlier = [j for j, r in by_primary.get(primary.code, []) if r < rank or (r == rank and rank > 1)]
            if earlier:
                prereq_links.append((idx, rng.choice(earlier)))
                has_prereq = True
        by_primary.setdefault(primary.code, []).append((idx, rank))
        infos.append(
            _CourseInfo(pk=0, institution=inst_code, track=track_code, mode=mode, hours=hours, prerequisites=has_prereq)
        )
    _insert(Course, courses)
    for info, course in zip(infos, courses, strict=True):
        info.pk = course.pk
    _insert(
        CourseCompetency,
        [
            CourseCompetency(course_id=courses[idx].pk, competency=comp, target_level=level)
            for idx, levels in links
            for comp, level in levels
        ],
    )
    through = Course.prerequisites.through
    _insert(through, [through(from_course_id=courses[a].pk, to_course_id=courses[b].pk) for a, b in prereq_links])
    ctx.log(f"  courses: {len(courses)} ({len(prereq_links)} with a prerequisite)")
    return infos


# --------------------------------------------------------------------------------------------
# Offerings, sessions and enrollments
# --------------------------------------------------------------------------------------------


@dataclass
class _OfferingPlan:
    course: _CourseInfo
    term: Term
    audience: str
    phase: str
    offering: Offering
    sessions: list[Session]
    instructors: list[int]


@dataclass(slots=True)
class _Entry:
    trainee: int
    status: str
    source: str = Source.APPLICATION
    nominated_by: int | None = None


def _schedule(rng: random.Random, term: Term, audience: str, hours: int) -> list[tuple[dt.date, dt.time, dt.time]]:
    if audience == STUDENT:
        days, slot, length = [rng.randrange(5)], rng.choice(DAY_SLOTS), 3
    elif rng.random() < 0.6:
        days, slot, length = list(rng.choice(((0, 2), (1, 3), (2,)))), EVENING_SLOT, 3
    else:
        days, slot, length = [5], rng.choice(SATURDAY_SLOTS), 4
    count = math.ceil(hours / length)
    weeks = math.ceil(count / len(days))
    offset = rng.randint(0, max(0, min(8, TERM_WEEKS - weeks - 1)))
    out: list[tuple[dt.date, dt.time, dt.time]] = []
    week = offset
    while len(out) < count:
        for day in days:
            date = term.start + dt.timedelta(weeks=week, days=day)
            if (date.month, date.day) not in FIXED_HOLIDAYS and len(out) < count:
                out.append((date, slot[0], slot[1]))
        week += 1
    excess = count * length - hours  # the last session is shorter: the sessions add up to the course's hours
    if excess:
        date, start, _end = out[-1]
        out[-1] = (date, start, dt.time(start.hour + length - excess, start.minute))
    return out


def _offerings_plan(ctx: _Ctx, courses: list[_CourseInfo], instructors: dict[str, list[int]]) -> list[_OfferingPlan]:
    rng, today = ctx.rng, ctx.today
    incumbent_share = {"skilled": 0.65, "technical": 0.5, "rnd": 0.25}
    persona_instructor = ctx.personas.instructor.pk
    plans: list[_OfferingPlan] = []
    inu_seen: set[str] = set()
    for i in range(ctx.scale.offerings):
        course = courses[i % len(courses)]
        term = ctx.terms[(i // len(courses)) % len(ctx.terms)]
        audience = INCUMBENT if rng.random() < incumbent_share[course.track] else STUDENT
        rows = _schedule(rng, term, audience, course.hours)
        start, end = rows[0][0], rows[-1][0]
        phase = PAST if end < today else FUTURE if start > today else RUNNING
        campus, buildings = CAMPUS[course.institution]
        if course.mode == Mode.ONLINE:
            location, room = ONLINE_LOCATION, "화상 강의실"
        elif audience == INCUMBENT and rng.random() < 0.4:
            location = rng.choice(FIELD_SITES)
            room = f"교육장 {rng.randint(1, 4)}"
        else:
            building = rng.choice(buildings)
            location, room = f"{campus} {building}", f"{building} {rng.randint(1, 5)}{rng.randint(1, 20):02d}호"
        sessions = [Session(date=d, start_time=s, end_time=e, room=room) for d, s, e in rows]
        pool = instructors[course.institution]
        teachers = rng.sample(pool, k=1 if rng.random() < 0.8 or len(pool) < 2 else 2)
        if course.institution == "inu" and phase not in inu_seen:
            inu_seen.add(phase)  # the instructor persona teaches something past, running and upcoming
            if persona_instructor not in teachers:
                teachers[0] = persona_instructor
        offering = Offering(
            term=term.code,
            start_date=start,
            end_date=end,
            capacity=rng.randint(15, 40),
            location=location,
            course_id=course.pk,
            has_evening=any(s.is_evening for s in sessions),
            has_weekend=any(s.is_weekend for s in sessions),
            is_open=phase == FUTURE,
        )
        plans.append(_OfferingPlan(course, term, audience, phase, offering, sessions, teachers))
    return plans


def _enrollment_counts(rng: random.Random, plans: list[_OfferingPlan], total: int) -> list[int]:
    """Split `total` over the offerings, roughly by capacity; fewer in offerings still recruiting."""
    phase_factor = {PAST: 0.9, RUNNING: 1.0, FUTURE: 1.2}
    weights = [p.offering.capacity * phase_factor[p.phase] * rng.uniform(0.6, 1.4) for p in plans]
    scale = total / sum(weights)
    raw = [w * scale for w in weights]
    counts = [int(r) for r in raw]
    rest = total - sum(counts)
    order = sorted(range(len(raw)), key=lambda i: (counts[i] - raw[i], i))
    for i in order[:rest]:
        counts[i] += 1
    return counts


def _enrollments_plan(
    ctx: _Ctx, plans: list[_OfferingPlan], trainees: _Trainees, companies: _Companies
) -> list[list[_Entry]]:
    rng = ctx.rng
    counts = _enrollment_counts(rng, plans, ctx.scale.enrollments)
    everyone = trainees.incumbents + trainees.all_students()
    all_grads = [u for ids in trainees.graduates.values() for u in ids]
    all_ugs = [u for ids in trainees.undergraduates.values() for u in ids]
    out: list[list[_Entry]] = []
    for plan, n in zip(plans, counts, strict=True):
        if plan.audience == INCUMBENT:
            pool = trainees.incumbents
        elif plan.course.track == "rnd" or (plan.course.track == "technical" and rng.random() < 0.3):
            pool = trainees.graduates.get(plan.course.institution) or all_grads
        else:
            pool = trainees.undergraduates.get(plan.course.institution) or all_ugs
        if len(pool) < n:
            pool = everyone
        chosen = rng.sample(pool, k=n)
        statuses, cum = PHASE_STATUSES[plan.phase]
        entries: list[_Entry] = []
        seated = 0
        for uid in chosen:
            status = rng.choices(statuses, cum_weights=cum)[0]
            if status in SEATED:
                if seated >= plan.offering.capacity:
                    overflow, overflow_cum = OVERFLOW_STATUSES[plan.phase]
                    status = rng.choices(overflow, cum_weights=overflow_cum)[0]
                else:
                    seated += 1
            entry = _Entry(uid, status)
            manager = companies.manager_of.get(trainees.employer.get(uid, 0))
            if manager is not None and rng.random() < 0.35:
                entry.source, entry.nominated_by = Source.NOMINATION, manager
            entries.append(entry)
        out.append(entries)
    _persona_enrollments(ctx, plans, out, trainees)
    return out


def _persona_enrollments(
    ctx: _Ctx, plans: list[_OfferingPlan], entries: list[list[_Entry]], trainees: _Trainees
) -> None:
    """Put the demo personas into existing enrollment slots, so every count stays as generated."""
    p, rng = ctx.personas, ctx.rng
    protected: set[tuple[int, int]] = set()

    def place(
        trainee: int, status: str, pred: Callable[[_OfferingPlan], bool], nominated_by: int | None = None
    ) -> None:
        order = list(range(len(plans)))
        rng.shuffle(order)
        for i in order:
            plan = plans[i]
            if not pred(plan) or any(e.trainee == trainee for e in entries[i]):
                continue
            for j, entry in enumerate(entries[i]):
                if entry.status == status and (i, j) not in protected:
                    source = Source.NOMINATION if nominated_by else Source.APPLICATION
                    entries[i][j] = _Entry(trainee, status, source, nominated_by)
                    protected.add((i, j))
                    return
        raise DomainError(f"demo data: no {status} slot for user {trainee}")

    def incumbent(*phases: str) -> Callable[[_OfferingPlan], bool]:
        return lambda o: o.audience == INCUMBENT and o.phase in phases and not o.course.prerequisites

    def at(inst: str, *phases: str) -> Callable[[_OfferingPlan], bool]:
        return lambda o: o.course.institution == inst and o.phase in phases and not o.course.prerequisites

    def inu_rnd(*phases: str) -> Callable[[_OfferingPlan], bool]:
        return lambda o: (
            o.course.institution == "inu" and o.course.track == "rnd" and o.audience == STUDENT and o.phase in phases
        )

    place(p.worker.pk, Status.COMPLETED, incumbent(PAST), nominated_by=p.manager.pk)
    place(p.worker.pk, Status.APPROVED, incumbent(RUNNING, FUTURE), nominated_by=p.manager.pk)
    place(p.worker.pk, Status.APPROVED, incumbent(FUTURE))
    place(p.worker2.pk, Status.PENDING, at("inu", FUTURE))
    place(p.worker2.pk, Status.APPROVED, incumbent(RUNNING, FUTURE))
    place(p.worker_b.pk, Status.APPROVED, incumbent(FUTURE), nominated_by=p.manager_b.pk)
    place(p.student.pk, Status.COMPLETED, inu_rnd(PAST))
    place(p.student.pk, Status.APPROVED, inu_rnd(RUNNING, FUTURE))
    place(p.student.pk, Status.PENDING, at("inu", FUTURE))
    for k, uid in enumerate(trainees.company_a_workers[:6]):
        if k % 3 == 2:
            place(uid, Status.COMPLETED, incumbent(PAST))
        elif k % 3 == 1:
            place(uid, Status.PENDING, incumbent(FUTURE), nominated_by=p.manager.pk)
        else:
            place(uid, Status.APPROVED, incumbent(RUNNING, FUTURE), nominated_by=p.manager.pk)


def _offerings_create(
    ctx: _Ctx, plans: list[_OfferingPlan], entries: list[list[_Entry]], coordinators: dict[str, int]
) -> None:
    rng = ctx.rng
    for plan, rows in zip(plans, entries, strict=True):
        plan.offering.approved_count = sum(1 for e in rows if e.status in SEATED)
    offerings = [p.offering for p in plans]
    _insert(Offering, offerings)
    sessions: list[Session] = []
    teach_through = Offering.instructors.through
    teach: list[Any] = []
    for plan in plans:
        for s in plan.sessions:
            s.offering_id = plan.offering.pk
        sessions.extend(plan.sessions)
        teach.extend(teach_through(offering_id=plan.offering.pk, user_id=u) for u in plan.instructors)
        if len(sessions) >= CHUNK * 4:
            _insert(Session, sessions)
            sessions = []
    _insert(Session, sessions)
    _insert(teach_through, teach)
    ctx.log(f"  offerings: {len(offerings)}")

    today = ctx.today
    batch: list[Enrollment] = []
    total = 0
    for plan, rows in zip(plans, entries, strict=True):
        start = plan.offering.start_date
        decider = coordinators[plan.course.institution]
        for e in rows:
            applied = start - dt.timedelta(days=rng.randint(14, 45))
            if plan.phase == FUTURE:
                applied = min(applied, today - dt.timedelta(days=rng.randint(1, 20)))
            decided = applied + dt.timedelta(days=rng.randint(1, 7))
            if plan.phase == FUTURE:
                decided = min(decided, today - dt.timedelta(days=1))
            enrollment = Enrollment(
                offering_id=plan.offering.pk,
                trainee_id=e.trainee,
                status=e.status,
                source=e.source,
                nominated_by_id=e.nominated_by,
            )
            if e.status in (Status.APPROVED, Status.COMPLETED, Status.REJECTED):
                enrollment.decided_by_id = decider
                enrollment.decided_at = _kst(decided, rng.randint(9, 17), rng.randint(0, 59))
            if e.status == Status.REJECTED:
                enrollment.reason = rng.choice(REJECT_REASONS)
            elif e.status == Status.CANCELLED:
                enrollment.reason = rng.choice(CANCEL_REASONS)
            elif e.status == Status.WAITLISTED:
                enrollment.waitlisted_at = _kst(applied, rng.randint(9, 21), rng.randint(0, 59))
            batch.append(enrollment)
        if len(batch) >= CHUNK * 2:
            _insert(Enrollment, batch)
            total += len(batch)
            batch = []
    _insert(Enrollment, batch)
    total += len(batch)
    ctx.log(f"  enrollments: {total}")


# --------------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoSummary:
    scale: str
    seed: int
    counts: dict[str, int]
    seconds: float


def demo_counts() -> dict[str, int]:
    return {
        "companies": Company.objects.count(),
        "company_ksic": Company.ksic_codes.through.objects.count(),
        "users": User.objects.count(),
        "company_managers": RoleAssignment.objects.filter(role=Role.COMPANY_MANAGER).count(),
        "instructors": RoleAssignment.objects.filter(role=Role.INSTRUCTOR).count(),
        "trainees": TraineeProfile.objects.count(),
        "programs": Program.objects.count(),
        "courses": Course.objects.count(),
        "offerings": Offering.objects.count(),
        "sessions": Session.objects.count(),
        "enrollments": Enrollment.objects.count(),
        "equipment": Equipment.objects.count(),
        "lab_reservations": Reservation.objects.count(),
    }


def demo_seed(
    *, scale: str, seed: int = DEFAULT_SEED, today: dt.date | None = None, log: Callable[[str], None] | None = None
) -> DemoSummary:
    """Create the personas and the generated demo data for `scale` (small, namdong or national)."""
    demo_guard()
    if scale not in SCALES:
        raise DomainError(f"알 수 없는 규모: {scale} / Unknown scale: {scale} ({', '.join(SCALES)})")
    if demo_database_has_foreign_data():
        raise DomainError(
            "데이터베이스에 이미 데이터가 있습니다. 빈 데이터베이스에서 실행하거나 --if-empty를 쓰십시오. / "
            "The database already has data; run on an empty database or pass --if-empty."
        )
    started = time.perf_counter()
    out = log or (lambda _msg: None)

    def say(msg: str) -> None:
        out(f"{msg}  [{time.perf_counter() - started:.1f} s]")

    rng = random.Random(seed)  # noqa: S311 - demo data, reproducible on purpose
    day = today or timezone.localdate()
    with transaction.atomic():
        personas = personas_create()
        ctx = _Ctx(
            rng=rng,
            scale=SCALES[scale],
            today=day,
            terms=demo_terms(day),
            password=make_password(DEMO_PASSWORD),
            personas=personas,
            log=say,
        )
        ctx.surnames = [s for s, _ in SURNAMES]
        ctx.surname_cum = _weighted_cum(w for _, w in SURNAMES)
        institutions = {i.code: i for i in (personas.lead, personas.partner, personas.polytechnic)}

        coordinators = {"inu": personas.coordinator.pk}
        for code in ("inha", "kopo-incheon"):
            coordinators[code] = _users_with(ctx, [ctx.new_user()], Role.COORDINATOR, institution=institutions[code])[0]
        instructors: dict[str, list[int]] = {"inu": [personas.instructor.pk], "inha": [], "kopo-incheon": []}
        generated = ctx.scale.instructors - 1
        shares = {"inu": round(generated * 0.4), "inha": round(generated * 0.3)}
        shares["kopo-incheon"] = generated - shares["inu"] - shares["inha"]
        for code, k in shares.items():
            users = [ctx.new_user() for _ in range(k)]
            instructors[code] += _users_with(ctx, users, Role.INSTRUCTOR, institution=institutions[code])
        say(f"  staff: {len(coordinators)} coordinators, {ctx.scale.instructors} instructors")

        companies = _companies_create(ctx)
        _managers_create(ctx, companies)
        trainees = _trainees_create(ctx, companies, institutions)
        courses = _courses_create(ctx, institutions)
        plans = _offerings_plan(ctx, courses, instructors)
        entries = _enrollments_plan(ctx, plans, trainees, companies)
        _offerings_create(ctx, plans, entries, coordinators)
        bookers = trainees.all_students()[:300] + trainees.incumbents[:300]
        n = labs_seed(
            personas=personas,
            rng=rng,
            equipment_total=LAB_EQUIPMENT[scale],
            trainees={u: trainees.employer.get(u) for u in bookers},
        )
        say(f"  labs: {n} pieces of equipment with their bookings")
        say(f"  timetabling: {scheduling_seed(personas=personas, rng=rng)} rooms")
        say(f"  online learning: {learning_seed(personas=personas, rng=rng)} offerings with lessons and a quiz")
        say(f"  demand survey: {demand_seed(personas=personas, rng=rng)} companies answered")
    refresh_planner_statistics()
    return DemoSummary(scale=scale, seed=seed, counts=demo_counts(), seconds=time.perf_counter() - started)
