"""The need-statement mapper: commands, accuracy on the bundled held-out set, learning, evidence."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from sanhak.common.shared_data import shared_data
from sanhak.competencies.models import Competency
from sanhak.demand.mapping import (
    HELDOUT_FILE,
    Accuracy,
    NeedMapper,
    accuracy,
    default_mapper,
    learning_curve,
    normalize,
    read_labelled,
    transfer,
    verb_surfaces,
)

pytestmark = pytest.mark.django_db

HELDOUT = read_labelled(HELDOUT_FILE)


@pytest.fixture
def mapper() -> NeedMapper:
    return default_mapper()


def map_needs(path: Path) -> str:
    out = io.StringIO()
    call_command("map_needs", str(path), stdout=out)
    return out.getvalue()


# ---------------------------------------------------------------------------- map_needs


def test_map_needs_writes_top_five_codes(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_bytes(
        "\ufeffid,text_ko\nA1,라인이 자주 서요\n"
        'A2,"PLC 래더 프로그램을 수정할 줄 아는 직원이 한 명뿐이라"\nA3,\n'.encode()
    )
    assert map_needs(path) == (
        "id,codes\n"
        "A1,SM-SYS-05;SM-SYS-08;SM-ENG-02;SM-ENG-04;SM-PRC-04\n"
        "A2,SM-AUT-01;SM-AUT-08;SM-ENG-02;SM-AUT-05;SM-AUT-04\n"
        "A3,\n"
    )


def test_map_needs_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CommandError) as exc:
        map_needs(tmp_path / "nope.csv")
    assert str(exc.value) == (
        f"입력 파일을 읽을 수 없습니다 / Cannot read the input file: {tmp_path / 'nope.csv'} (No such file or directory)"
    )


def test_map_needs_missing_column(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text("id,text\n1,라인이 서요\n", encoding="utf-8")
    with pytest.raises(CommandError) as exc:
        map_needs(path)
    assert str(exc.value) == (
        "입력 CSV에 text_ko 열이 없습니다(필요: id,text_ko) / The input CSV lacks the column(s) text_ko (needs id,text_ko)"
    )


def test_map_needs_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_bytes("id,text_ko\n1,라인이 서요\n".encode("cp949"))
    with pytest.raises(CommandError) as exc:
        map_needs(path)
    assert str(exc.value) == (
        "입력 파일이 UTF-8이 아닙니다(14번째 바이트). UTF-8로 저장해 주세요 / "
        "The input file is not UTF-8 (byte 14); save it as UTF-8"
    )


# ----------------------------------------------------------------------------- accuracy


def test_heldout_accuracy_meets_targets(mapper: NeedMapper) -> None:
    result = accuracy(mapper.rank_codes, HELDOUT)
    assert result == Accuracy(n=154, top1=151, top3=154)
    assert result.top1_rate >= 0.90
    assert result.top3_rate >= 0.97


def test_heldout_covers_every_competency() -> None:
    assert {row.codes[0] for row in HELDOUT} == set(Competency.objects.values_list("code", flat=True))


def test_dev_accuracy(mapper: NeedMapper) -> None:
    path = shared_data("competencies", "demand_statements_dev.csv")
    if not path.exists():
        pytest.skip("../shared/data is not beside this checkout")
    assert accuracy(mapper.rank_codes, read_labelled(path)) == Accuracy(n=40, top1=40, top3=40)


# ----------------------------------------------------------------------------- learning


def test_learning_on_heldout_accuracy_is_recorded(mapper: NeedMapper) -> None:
    """Learning never costs a statement the lexicon gets right and fixes some it gets wrong. Within
    the held-out set (5-fold) nothing changes (151 → 151); learning from the other two files, written
    separately and worded differently, fixes one held-out statement (the blind2 statement it used to fix,
    "장비끼리 통신이 자꾸 끊겨서 라인이 멈춥니다", the reason clause now gets right without learning)."""
    before, after = learning_curve(mapper, HELDOUT, folds=5, seed=0)
    assert before == Accuracy(n=154, top1=151, top3=154)
    assert after == Accuracy(n=154, top1=151, top3=154)
    blind = read_labelled(HELDOUT_FILE.with_name("blind_statements.csv"))
    blind2 = read_labelled(HELDOUT_FILE.with_name("blind2_statements.csv"))
    assert transfer(mapper, blind + blind2, HELDOUT) == (
        Accuracy(n=154, top1=151, top3=154),
        Accuracy(n=154, top1=152, top3=154),
    )
    assert transfer(mapper, HELDOUT + blind, blind2) == (
        Accuracy(n=212, top1=201, top3=210),
        Accuracy(n=212, top1=201, top3=210),
    )
    assert transfer(mapper, HELDOUT + blind2, blind) == (Accuracy(n=74, top1=73, top3=73),) * 2
    for rows in (blind, blind2):
        b, a = learning_curve(mapper, rows, folds=5, seed=0)
        assert (a.top1, a.top3) >= (b.top1, b.top3)


def test_a_correction_carries_over_to_differently_worded_statements(mapper: NeedMapper) -> None:
    new = "장비끼리 통신이 자꾸 끊겨서 라인이 멈춥니다"  # a blind2 statement: the network, not maintenance
    # the reason clause (…끊겨서) outweighs the outcome every problem has (라인이 멈춥니다)
    assert mapper.rank_codes(new, 2) == ["SM-AUT-08", "SM-SYS-05"]
    learned = mapper.with_examples([(row.text, row.codes) for row in HELDOUT])
    # one held-out statement was confirmed as SM-AUT-08: "PLC끼리 통신이 자꾸 끊겨서 라인이 멈추는데 …"
    assert learned.rank_codes(new, 2) == ["SM-AUT-08", "SM-SYS-05"]
    top = learned.suggest(new, 1)[0]
    assert top.code == "SM-AUT-08"
    assert "끊겨서" in top.evidence and "장비끼리" in top.evidence  # words the lexicon did not explain
    # a line stop with no network words stays a maintenance need
    assert learned.rank_codes("기계가 툭하면 멈춰서 생산량을 못 채워요", 1) == ["SM-SYS-05"]


def test_learning_leaves_what_the_lexicon_explains_alone(mapper: NeedMapper) -> None:
    """Learning looks only at words outside lexicon matches: a ranking of two codes the lexicon
    explains by the same words ("코봇", "위험성 평가") is not changed by two examples, and risk
    assessment without a cobot stays a safety need."""
    confirmed = [
        ("협동로봇을 들이기 전에 위험성 평가를 받아야 한다고 합니다", ["SM-AUT-06", "SM-CMN-01"]),
        ("코봇 작업장 위험성평가 양식을 모르겠어요", ["SM-AUT-06"]),
    ]
    learned = mapper.with_examples(confirmed)
    new = "코봇 옆 작업자 위험성 평가가 걱정입니다"
    assert mapper.rank_codes(new, 2) == learned.rank_codes(new, 2) == ["SM-AUT-06", "SM-CMN-01"]
    assert learned.rank_codes("위험성 평가를 제대로 해 본 적이 없습니다", 1) == ["SM-CMN-01"]


def test_map_needs_eval_learn() -> None:
    out = io.StringIO()
    call_command("map_needs_eval", "--learn", stdout=out)
    assert out.getvalue().splitlines() == [
        "문장 / statements: 154",
        "정확도 / accuracy: top-1 151/154 (98.1%), top-3 154/154 (100.0%)",
        "5겹 교차: 나머지 문장의 확인된 코드를 학습한 전후 / 5-fold, learning from the other folds' confirmed codes",
        "학습 전 / before: top-1 151/154 (98.1%), top-3 154/154 (100.0%)",
        "학습 후 / after: top-1 151/154 (98.1%), top-3 154/154 (100.0%)",
    ]


def test_map_needs_eval_learn_from_other_files() -> None:
    out = io.StringIO()
    blind = HELDOUT_FILE.with_name("blind_statements.csv")
    blind2 = HELDOUT_FILE.with_name("blind2_statements.csv")
    call_command("map_needs_eval", str(HELDOUT_FILE), "--learn-from", str(blind), str(blind2), stdout=out)
    assert out.getvalue().splitlines()[2:] == [
        "다른 파일의 확인된 문장 286개를 학습한 전후 / learning from 286 confirmed statements of the other file(s)",
        "학습 전 / before: top-1 151/154 (98.1%), top-3 154/154 (100.0%)",
        "학습 후 / after: top-1 152/154 (98.7%), top-3 154/154 (100.0%)",
    ]


def test_map_needs_eval_bad_file(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="Cannot read the labelled file"):
        call_command("map_needs_eval", str(tmp_path / "nope.csv"), stdout=io.StringIO())


# ----------------------------------------------------------------------------- evidence


def test_suggestions_explain_themselves(mapper: NeedMapper) -> None:
    stops = mapper.suggest("라인이 자주 서요", k=2)
    assert [(s.code, s.evidence) for s in stops] == [
        ("SM-SYS-05", ["서요", "라인", "라인이"]),
        ("SM-SYS-08", ["라인"]),
    ]
    predict = mapper.suggest("진동 데이터로 모터 고장을 미리 예측하고 싶어요", k=2)
    assert [(s.code, s.evidence) for s in predict] == [
        ("SM-DAT-05", ["예측", "고장", "진동", "고장을", "미리", "모터"]),
        ("SM-DAT-03", ["예측", "예측하고"]),
    ]


def test_evidence_words_are_in_the_statement(mapper: NeedMapper) -> None:
    for row in HELDOUT:
        suggestions = mapper.suggest(row.text, k=5)
        assert [s.code for s in suggestions] == mapper.rank_codes(row.text, 5)
        assert suggestions[0].evidence, row.id
        for suggestion in suggestions:
            for word in suggestion.evidence:
                assert word in row.text, (row.id, word)


# ------------------------------------------------------------------------------ pieces


def test_verb_surfaces() -> None:
    assert verb_surfaces("서다") == {"서", "선", "설", "섭", "섬", "섰"}
    assert verb_surfaces("멈추다") == {"멈추", "멈춘", "멈출", "멈춥", "멈춤", "멈춰", "멈췄"}
    assert verb_surfaces("만들다") == {"만들", "만드", "만든", "만듭"}


def test_normalize_keeps_abbreviations_apart() -> None:
    norm = normalize("MES, ERP 연동 (설비 종합효율)")
    assert norm.compact == "mes|erp연동설비종합효율"
    assert norm.surface(9, 15) == "설비 종합효율"


def test_a_match_across_words_must_start_a_word(mapper: NeedMapper) -> None:
    # "말고 장비" contains 고장 once the space is gone; it is not a breakdown
    assert "고 장" not in mapper.suggest("서버로 보내지 말고 장비에서 처리하고 싶어요", k=5)[0].evidence


def test_default_mapper_follows_the_catalog() -> None:
    first = default_mapper()
    assert default_mapper() is first
    Competency.objects.filter(code="SM-ENG-03").update(keywords="3D 프린팅;바나나")
    second = default_mapper()
    assert second is not first
    assert second.rank_codes("바나나 교육", 1) == ["SM-ENG-03"]


def test_blind_set_accuracy_is_recorded(mapper: NeedMapper) -> None:
    """A second set, deliberately indirect (few domain words), written after the first lexicon (45/74
    first, 54/74 top-3 then). Its failures were then read and analysed when the indirect lexicon was
    written, so it is no longer blind: recorded, not a target."""
    blind = read_labelled(HELDOUT_FILE.with_name("blind_statements.csv"))
    assert accuracy(mapper.rank_codes, blind) == Accuracy(n=74, top1=73, top3=73)


def test_blind2_set_accuracy(mapper: NeedMapper) -> None:
    """A third set (212 statements, every code at least 5 times as primary), written before the generic
    word discount, the indirect lexicon and the profiles, as survey free text: symptoms and goals, typos,
    loanwords, two needs in one statement. Before those changes: 153/212 first, 183/212 top-3. Only
    aggregate error categories were looked at afterwards, never single statements; but the same person
    wrote it and the indirect lexicon, so it is optimistic about statements written by other people."""
    blind2 = read_labelled(HELDOUT_FILE.with_name("blind2_statements.csv"))
    assert len({row.codes[0] for row in blind2}) == 37
    result = accuracy(mapper.rank_codes, blind2)
    assert result == Accuracy(n=212, top1=201, top3=210)
    assert result.top1_rate >= 0.90
    assert result.top3_rate >= 0.97


def test_blind3_set_accuracy_is_recorded(mapper: NeedMapper) -> None:
    """A fourth set (185 statements) by a writer who never saw the lexicon: 148/185 first, 175/185
    top-3 when it arrived. Its errors were then analysed and fixed by vocabulary families (brands,
    standards, shop-floor slang, HR and CEO phrasing, symptom verbs, typos), so it is no longer blind:
    recorded, not a target."""
    blind3 = read_labelled(HELDOUT_FILE.with_name("blind3_statements.csv"))
    assert accuracy(mapper.rank_codes, blind3) == Accuracy(n=185, top1=177, top3=183)


def test_common_misspellings_are_normalized() -> None:
    assert normalize("고장이 났는데 아직 않되요").compact == normalize("고장이 났는데 아직 안돼요").compact
    assert normalize("솔류션 업체 셋팅").compact == "솔루션업체세팅"
    norm = normalize("설치 됬어요")
    assert norm.compact == "설치됐어요"
    assert norm.surface(2, 5) == "됬어요"  # evidence shows what the writer wrote


def test_spelling_variants_of_one_pattern_count_once(mapper: NeedMapper) -> None:
    a = NeedMapper(mapper.catalog, lexicon=[("SM-SYS-08", 2.0, "^셋팅"), ("SM-SYS-08", 2.0, "^세팅")])
    b = NeedMapper(mapper.catalog, lexicon=[("SM-SYS-08", 2.0, "^세팅")])
    assert a.suggest("세팅이 오래 걸려요", 1)[0].score == b.suggest("세팅이 오래 걸려요", 1)[0].score


def test_brands_slang_and_memo_style(mapper: NeedMapper) -> None:
    assert mapper.rank_codes("화낙 컨트롤러 알람 뜨면 아무도 못 봐서 선반이 놀아요", 1) == ["SM-ENG-02"]
    assert mapper.rank_codes("메끼 두께가 들쭉날쭉해서 반품이 자주 됬어요", 1) == ["SM-PRC-03"]
    assert mapper.rank_codes("IATF 인증 심사 준비를 해야 하는데 담당자가 처음이라 막막함", 1) == ["SM-SYS-04"]
