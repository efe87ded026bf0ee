"""The national instruments shipped as data (loaded after every migrate and flush by
``services.ensure_national_instruments``; offices copy them to adapt them).

* 中小学校责任督学经常性督导事项 — the 8 items of 《中小学校责任督学挂牌督导办法》第四条 in the exact
  official wording and order (STANDARDS §1.4), plus a free-text 其他情况;
* 幼儿园责任督学经常性督导事项 — an editable six-item kindergarten list built from the three areas
  of the 2019 办法 (安全管理、规范办园、师德师风) as STANDARDS §2.2 recommends (no national
  six-item list exists; an office publishes its provincial list as its own version).
"""

SCHOOL_CHECKLIST = {
    "code": "national-school-routine",
    "name": "中小学校责任督学经常性督导事项",
    "kind": "checklist",
    "audience": "schools",
    "source": "《中小学校责任督学挂牌督导办法》（国教督办〔2013〕2号）第四条",
    "items": [
        ("1", "校务管理和制度执行情况。"),
        ("2", "招生、收费、择校情况。"),
        ("3", "课程开设和课堂教学情况。"),
        ("4", "学生学习、体育锻炼和课业负担情况。"),
        ("5", "教师师德和专业发展情况。"),
        ("6", "校园及周边安全情况，学生交通安全情况。"),
        ("7", "食堂、食品、饮水及宿舍卫生情况。"),
        ("8", "校风、教风、学风建设情况。"),
    ],
}

KINDERGARTEN_CHECKLIST = {
    "code": "national-kindergarten-routine",
    "name": "幼儿园责任督学经常性督导事项（可编辑）",
    "kind": "checklist",
    "audience": "kindergartens",
    "source": "《幼儿园责任督学挂牌督导办法》（教督〔2019〕3号）：安全管理、规范办园、师德师风建设；各地可发布本省版本",
    "items": [
        ("1", "安全管理情况（园舍设施、门卫值守、消防、交通、应急演练）。"),
        ("2", "卫生保健与食品安全情况。"),
        ("3", "保育教育情况（防止和纠正“小学化”倾向）。"),
        ("4", "招生收费与规范办园情况。"),
        ("5", "教职工师德师风建设情况。"),
        ("6", "园务管理与园务公开情况。"),
    ],
}

OTHER_ITEM = ("9", "其他情况。")
ANSWER_OPTIONS = ["正常", "存在问题"]
