"""The shipped instruments, written as Python and saved as XLSForm workbooks next to this file.

The ``.xlsx`` files are what casewatch loads (`casewatch surveys-instruments`) and what people
edit in Excel; this module is how they were made and how to remake them after a wording change
(`casewatch surveys-instruments --rebuild`). Four instruments:

* ``party`` — 当事人测评表, for case parties reached by a one-time invitation per case and role;
* ``lawyer`` — 律师及法律工作者测评表, for agents ad litem, defence counsel and duty lawyers;
* ``resident`` — 群众测评表, for residents through an open link or QR code;
* ``courtools_m1`` — NCSC CourTools Measure 1 (Access and Fairness), the classic 2005 exit survey:
  10 access items for everybody, 5 fairness items for those who appeared before a judge.

The first three rate six dimensions (fairness of process, fairness of outcome, respect,
efficiency, transparency, integrity) per agency, each agency block shown only to those who dealt
with it (skip logic on the ``agencies`` question). Every rating has a separate "不了解 / not
applicable" answer that is counted but never scored.
"""

from __future__ import annotations

from pathlib import Path

from casewatch.surveys.xlsform import ChoiceSpec, InstrumentSpec, ItemSpec, build_xlsform

HERE = Path(__file__).resolve().parent

SAT5 = [
    ("1", "很不满意", "Very dissatisfied", 1),
    ("2", "不满意", "Dissatisfied", 2),
    ("3", "一般", "Neither satisfied nor dissatisfied", 3),
    ("4", "满意", "Satisfied", 4),
    ("5", "非常满意", "Very satisfied", 5),
    ("na", "不了解", "Don't know / not applicable", None),
]
AGREE5 = [
    ("1", "非常不同意", "Strongly disagree", 1),
    ("2", "不同意", "Disagree", 2),
    ("3", "说不清", "Neither agree nor disagree", 3),
    ("4", "同意", "Agree", 4),
    ("5", "非常同意", "Strongly agree", 5),
    ("na", "不适用", "Not applicable", None),
]
AGENCY_CHOICES = [
    ("police", "公安机关", "Police"),
    ("procuratorate", "检察机关", "Procuratorate"),
    ("court", "人民法院", "Court"),
    (
        "justice",
        "司法行政机关（法律援助、人民调解、社区矫正等）",
        "Justice bureau (legal aid, mediation, community corrections)",
    ),
]
YES_NO = [("yes", "是", "Yes"), ("no", "否", "No")]

AGENCY_NAMES = {a: (zh.split("（")[0], en.split(" (")[0]) for a, zh, en in AGENCY_CHOICES}


def _choices(list_name, rows) -> list[ChoiceSpec]:
    out = []
    for row in rows:
        name, zh, en = row[0], row[1], row[2]
        score = row[3] if len(row) > 3 else None
        out.append(ChoiceSpec(list_name, name, zh, en, None if score is None else float(score)))
    return out


# Per-dimension wording: (Chinese, English) with {a} for the agency's name.
PARTY_DIMENSIONS = [
    (
        "process",
        "{a}办案程序规范公正（如依法告知权利、依法取证、听取您的意见）",
        "The {a} followed a fair and lawful procedure (explained your rights, gathered evidence lawfully, heard you)",
    ),
    (
        "outcome",
        "{a}的处理结果依事实和法律作出、公平合理",
        "The {a}'s decision was based on the facts and the law and was fair",
    ),
    (
        "respect",
        "{a}工作人员尊重您、态度文明、平等对待各方",
        "The {a}'s staff treated you with respect and all sides equally",
    ),
    (
        "efficiency",
        "{a}办案及时，没有不必要的拖延和推诿",
        "The {a} handled the matter promptly, without needless delay",
    ),
    (
        "transparency",
        "{a}及时告知进展和结果，并说明理由",
        "The {a} kept you informed and explained its reasons",
    ),
    (
        "integrity",
        "{a}工作人员廉洁自律，没有吃拿卡要、说情打招呼",
        "The {a}'s staff were honest: no bribes, favours or interference",
    ),
]
LAWYER_DIMENSIONS = [
    (
        "process",
        "{a}依法保障会见、阅卷、调查取证、发表意见等执业权利",
        "The {a} respected your rights as counsel (meeting clients, reading the file, gathering evidence, being heard)",
    ),
    (
        "outcome",
        "{a}的处理结果认定事实清楚、适用法律正确",
        "The {a}'s decisions found the facts correctly and applied the law correctly",
    ),
    (
        "respect",
        "{a}尊重律师和法律工作者，平等对待各方",
        "The {a} treated lawyers and legal workers with respect and all sides equally",
    ),
    (
        "efficiency",
        "{a}办事效率高，不推诿、不拖延",
        "The {a} worked efficiently, without passing the buck or delay",
    ),
    (
        "transparency",
        "{a}信息公开、告知及时、法律文书说理充分",
        "The {a} was open, informed you promptly and gave reasoned decisions",
    ),
    (
        "integrity",
        "{a}廉洁公正，没有不当干预和利益输送",
        "The {a} was clean and impartial, free of improper interference",
    ),
]
RESIDENT_DIMENSIONS = [
    ("process", "{a}执法办案程序规范、依法公正", "The {a} acts by the book, lawfully and fairly"),
    ("outcome", "{a}处理结果公平合理、让人信服", "The {a}'s decisions are fair and convincing"),
    ("respect", "{a}工作人员态度文明、尊重群众", "The {a}'s staff are courteous and respect the public"),
    ("efficiency", "{a}办事效率高，群众诉求能及时处理", "The {a} deals with people's requests promptly"),
    ("transparency", "{a}办事公开透明、接受群众监督", "The {a} is open and accepts public scrutiny"),
    ("integrity", "{a}队伍廉洁，没有吃拿卡要、徇私枉法", "The {a}'s officers are honest and impartial"),
]


def _agency_blocks(dimensions, prefix_zh, prefix_en) -> list[ItemSpec]:
    items = []
    for agency, _zh, _en in AGENCY_CHOICES:
        a_zh, a_en = AGENCY_NAMES[agency]
        for dim, zh, en in dimensions:
            items.append(
                ItemSpec(
                    name=f"{agency}_{dim}",
                    kind="likert",
                    list_name="sat5",
                    label_zh=zh.format(a=a_zh),
                    label_en=en.format(a=a_en.lower()),
                    required=True,
                    dimension=dim,
                    agency=agency,
                    group_name=f"g_{agency}",
                    group_label_zh=f"{prefix_zh}{a_zh}",
                    group_label_en=f"{prefix_en}{a_en}",
                    group_relevant=f"selected(${{agencies}}, '{agency}')",
                )
            )
    return items


INTRO_ZH = "本测评匿名进行，不记录您的姓名、电话等个人信息，结果仅用于改进执法司法工作。"
INTRO_EN = "This evaluation is anonymous: your name and phone are not recorded. Results are used only to improve law enforcement and justice."


def party() -> InstrumentSpec:
    items = [
        ItemSpec("intro", "note", INTRO_ZH, INTRO_EN),
        ItemSpec(
            "role",
            "select_one",
            "您在案件中的身份",
            "Your role in the case",
            list_name="party_role",
            required=True,
        ),
        ItemSpec(
            "agencies",
            "select_multiple",
            "在本案中，您与哪些政法单位打过交道？（可多选）",
            "Which agencies did you deal with in this case? (choose all that apply)",
            list_name="agencies",
            required=True,
        ),
        *_agency_blocks(PARTY_DIMENSIONS, "对", "About the "),
        ItemSpec(
            "overall",
            "likert",
            "总体而言，您对本案办理的公平公正程度是否满意？",
            "Overall, how satisfied are you with the fairness of how your case was handled?",
            list_name="sat5",
            required=True,
            dimension="overall",
        ),
        ItemSpec(
            "issues",
            "select_multiple",
            "您认为办案中存在哪些问题？（可多选）",
            "What went wrong in the handling of your case? (choose all that apply)",
            list_name="issues",
            relevant="${overall} = '1' or ${overall} = '2' or ${overall} = '3'",
        ),
        ItemSpec(
            "comment",
            "text",
            "您对政法机关还有什么意见或建议？（请勿填写姓名、电话等个人信息）",
            "Anything else you would like to tell the agencies? (please do not write names or phone numbers)",
        ),
    ]
    choices = (
        _choices(
            "party_role",
            [
                ("plaintiff", "原告、申请人", "Plaintiff or applicant"),
                ("defendant", "被告、被申请人", "Defendant or respondent"),
                ("victim", "被害人", "Victim"),
                ("accused", "犯罪嫌疑人、被告人", "Suspect or accused"),
                ("other", "其他", "Other"),
            ],
        )
        + _choices("agencies", AGENCY_CHOICES)
        + _choices("sat5", SAT5)
        + _choices(
            "issues",
            [
                ("delay", "拖延推诿", "Delay"),
                ("attitude", "态度生硬", "Rude or dismissive staff"),
                ("not_informed", "告知不到位", "Not kept informed"),
                ("unfair", "处理不公", "Unfair decision"),
                ("procedure", "程序不规范", "Improper procedure"),
                ("corruption", "吃拿卡要、说情打招呼", "Bribes, favours or interference"),
                ("other", "其他", "Other"),
            ],
        )
    )
    return InstrumentSpec(
        "party",
        "当事人公平正义感受度测评表",
        "Case parties' perceived-fairness questionnaire",
        1,
        "party",
        "zh",
        items,
        choices,
    )


def lawyer() -> InstrumentSpec:
    items = [
        ItemSpec("intro", "note", INTRO_ZH, INTRO_EN),
        ItemSpec(
            "practice", "select_one", "您的执业类别", "Your practice", list_name="practice", required=True
        ),
        ItemSpec(
            "years",
            "integer",
            "执业年限（年）",
            "Years in practice",
            required=True,
            constraint=". >= 0 and . <= 60",
        ),
        ItemSpec(
            "cases_year",
            "integer",
            "近一年在本地办理的案件数",
            "Cases handled here in the past year",
            constraint=". >= 0 and . <= 2000",
        ),
        ItemSpec(
            "agencies",
            "select_multiple",
            "近一年您与哪些政法单位打过交道？（可多选）",
            "Which agencies did you deal with in the past year? (choose all that apply)",
            list_name="agencies",
            required=True,
        ),
        *_agency_blocks(LAWYER_DIMENSIONS, "对", "About the "),
        ItemSpec(
            "overall",
            "likert",
            "总体而言，您对本地执法司法公平公正的满意程度",
            "Overall, how satisfied are you with the fairness of law enforcement and justice here?",
            list_name="sat5",
            required=True,
            dimension="overall",
        ),
        ItemSpec(
            "obstructed",
            "select_one",
            "近一年您是否遇到过阻碍依法执业的情况？",
            "In the past year, were you obstructed in your practice?",
            list_name="yes_no",
            required=True,
        ),
        ItemSpec(
            "obstructed_detail",
            "text",
            "请简要说明（单位、环节，不写个人信息）",
            "Please describe briefly (agency, stage; no personal details)",
            relevant="${obstructed} = 'yes'",
        ),
        ItemSpec("comment", "text", "您的意见和建议", "Your comments and suggestions"),
    ]
    choices = (
        _choices(
            "practice",
            [
                ("lawyer", "律师", "Lawyer"),
                ("legal_worker", "基层法律服务工作者", "Grass-roots legal worker"),
                ("legal_aid", "法律援助人员", "Legal-aid worker"),
            ],
        )
        + _choices("agencies", AGENCY_CHOICES)
        + _choices("sat5", SAT5)
        + _choices("yes_no", YES_NO)
    )
    return InstrumentSpec(
        "lawyer",
        "律师及法律工作者公平正义感受度测评表",
        "Lawyers' and legal workers' perceived-fairness questionnaire",
        1,
        "lawyer",
        "zh",
        items,
        choices,
    )


def resident() -> InstrumentSpec:
    items = [
        ItemSpec("intro", "note", INTRO_ZH, INTRO_EN),
        ItemSpec("age_group", "select_one", "您的年龄", "Your age", list_name="age_group", required=True),
        ItemSpec(
            "contact",
            "select_one",
            "近一年您是否与政法机关打过交道（如报警、诉讼、调解、法律援助）？",
            "In the past year, have you dealt with the agencies (e.g. called the police, gone to court, mediation, legal aid)?",
            list_name="yes_no",
            required=True,
        ),
        ItemSpec(
            "agencies",
            "select_multiple",
            "与哪些单位打过交道？（可多选）",
            "Which ones? (choose all that apply)",
            list_name="agencies",
            required=True,
            relevant="${contact} = 'yes'",
        ),
        *_agency_blocks(RESIDENT_DIMENSIONS, "对", "About the "),
        ItemSpec(
            "public_fairness",
            "likert",
            "您认为本地执法司法总体上公平公正",
            "Law enforcement and justice here are fair on the whole",
            list_name="sat5",
            required=True,
            dimension="outcome",
        ),
        ItemSpec(
            "public_transparency",
            "likert",
            "政法机关信息公开、接受监督的情况",
            "The agencies' openness and acceptance of scrutiny",
            list_name="sat5",
            required=True,
            dimension="transparency",
        ),
        ItemSpec(
            "overall",
            "likert",
            "总体而言，您对本地政法机关执法司法工作是否满意？",
            "Overall, how satisfied are you with the work of the agencies here?",
            list_name="sat5",
            required=True,
            dimension="overall",
        ),
        ItemSpec(
            "comment",
            "text",
            "您的意见和建议（请勿填写个人信息）",
            "Your comments and suggestions (no personal details, please)",
        ),
    ]
    choices = (
        _choices(
            "age_group",
            [
                ("16_29", "16–29岁", "16–29"),
                ("30_44", "30–44岁", "30–44"),
                ("45_59", "45–59岁", "45–59"),
                ("60_plus", "60岁及以上", "60 or over"),
            ],
        )
        + _choices("yes_no", YES_NO)
        + _choices("agencies", AGENCY_CHOICES)
        + _choices("sat5", SAT5)
    )
    return InstrumentSpec(
        "resident",
        "群众公平正义感受度测评表",
        "Residents' perceived-fairness questionnaire",
        1,
        "resident",
        "zh",
        items,
        choices,
    )


M1_ACCESS = [
    ("a01", "找到法院很容易。", "Finding the courthouse was easy."),
    ("a02", "我需要填写的表格清楚、易懂。", "The forms I needed were clear and easy to understand."),
    ("a03", "我在法院里感到安全。", "I felt safe in the courthouse."),
    (
        "a04",
        "法院努力消除设施和语言上的障碍。",
        "The court makes reasonable efforts to remove physical and language barriers to service.",
    ),
    (
        "a05",
        "我在合理的时间内办完了事。",
        "I was able to get my court business done in a reasonable amount of time.",
    ),
    ("a06", "法院工作人员关注我的需要。", "Court staff paid attention to my needs."),
    ("a07", "我受到了礼貌和尊重的对待。", "I was treated with courtesy and respect."),
    ("a08", "我很容易找到了要去的法庭或办公室。", "I easily found the courtroom or office I needed."),
    ("a09", "法院网站对我有用。", "The court's website was useful."),
    (
        "a10",
        "法院的办公时间方便我办事。",
        "The court's hours of operation made it easy for me to do my business.",
    ),
]
M1_FAIRNESS = [
    ("f01", "我的案件处理方式是公平的。", "The way my case was handled was fair."),
    (
        "f02",
        "法官在作出决定前听取了我的陈述。",
        "The judge listened to my side of the story before he or she made a decision.",
    ),
    (
        "f03",
        "法官掌握了作出正确决定所需的信息。",
        "The judge had the information necessary to make good decisions about my case.",
    ),
    ("f04", "我受到了与其他人同等的对待。", "I was treated the same as everyone else."),
    (
        "f05",
        "离开法院时，我知道接下来该怎么做。",
        "As I leave the court, I know what to do next about my case.",
    ),
]


def courtools_m1() -> InstrumentSpec:
    items = [
        ItemSpec(
            "intro",
            "note",
            "请根据您今天在法院的经历，表示对以下说法的同意程度。本调查匿名进行。",
            "Please rate how much you agree with each statement, based on your visit today. This survey is anonymous.",
        ),
        *[
            ItemSpec(
                name,
                "likert",
                zh,
                en,
                list_name="agree5",
                required=True,
                dimension="access",
                agency="court",
                group_name="access",
                group_label_zh="第一部分：便利（所有来访者）",
                group_label_en="Section I: Access (everyone)",
            )
            for name, zh, en in M1_ACCESS
        ],
        ItemSpec(
            "appeared",
            "select_one",
            "今天您是否出庭或面见了法官？",
            "Did you appear in front of a judicial officer today?",
            list_name="yes_no",
            required=True,
        ),
        *[
            ItemSpec(
                name,
                "likert",
                zh,
                en,
                list_name="agree5",
                required=True,
                dimension="fairness",
                agency="court",
                group_name="fairness",
                group_label_zh="第二部分：公正（今天出庭或面见法官者）",
                group_label_en="Section II: Fairness (if you appeared before a judicial officer today)",
                group_relevant="${appeared} = 'yes'",
            )
            for name, zh, en in M1_FAIRNESS
        ],
        ItemSpec(
            "business",
            "select_multiple",
            "您今天在法院办了什么事？（可多选）",
            "What did you do at the court today? (choose all that apply)",
            list_name="business",
        ),
        ItemSpec(
            "case_kind",
            "select_one",
            "您的案件类型",
            "What kind of case brought you here?",
            list_name="case_kind",
        ),
        ItemSpec("user_role", "select_one", "您的身份", "What is your role?", list_name="user_role"),
        ItemSpec(
            "frequency",
            "select_one",
            "您来法院的频率",
            "How often are you at this court?",
            list_name="frequency",
        ),
        ItemSpec(
            "comment",
            "text",
            "还有什么想告诉法院的？",
            "Is there anything else you would like to tell the court?",
        ),
    ]
    choices = (
        _choices("agree5", AGREE5)
        + _choices("yes_no", YES_NO)
        + _choices(
            "business",
            [
                ("search", "查询或调阅材料", "Search court records or obtain documents"),
                ("file", "递交诉讼材料", "File papers"),
                ("pay", "缴纳费用", "Make a payment"),
                ("info", "咨询", "Get information"),
                ("hearing", "出庭", "Appear as a party, attorney or witness"),
                ("other", "其他", "Other"),
            ],
        )
        + _choices(
            "case_kind",
            [
                ("criminal", "刑事", "Criminal"),
                ("civil", "民事", "Civil"),
                ("family", "婚姻家庭", "Family"),
                ("administrative", "行政", "Administrative"),
                ("enforcement", "执行", "Enforcement"),
                ("other", "其他", "Other"),
            ],
        )
        + _choices(
            "user_role",
            [
                ("attorney", "律师", "Attorney representing a client"),
                ("party", "当事人", "Party to a legal matter"),
                ("witness", "证人", "Witness"),
                ("family", "亲友、陪同人员", "Family member or friend"),
                ("other", "其他", "Other"),
            ],
        )
        + _choices(
            "frequency",
            [
                ("first", "第一次来", "First time in this courthouse"),
                ("several", "一年几次", "Several times a year"),
                ("regular", "经常来", "Regularly"),
            ],
        )
    )
    return InstrumentSpec(
        "courtools_m1",
        "法院来访者便利与公正评价（CourTools 指标一）",
        "CourTools Measure 1: Access and Fairness",
        1,
        "court_user",
        "zh",
        items,
        choices,
    )


SHIPPED = {"party": party, "lawyer": lawyer, "resident": resident, "courtools_m1": courtools_m1}


def shipped_files() -> dict[str, Path]:
    """code → path of the shipped workbook."""
    return {code: HERE / f"{code}.xlsx" for code in SHIPPED}


def write_all(folder: Path = HERE) -> list[Path]:
    """(Re)write the shipped workbooks from the definitions above."""
    paths = []
    for code, make in SHIPPED.items():
        path = folder / f"{code}.xlsx"
        path.write_bytes(build_xlsform(make()))
        paths.append(path)
    return paths
