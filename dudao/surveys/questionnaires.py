"""Questionnaires shipped with the platform as data (loaded after every migrate and flush by
``services.ensure_survey_questionnaires``). They are national instruments of kind questionnaire:
read-only for offices, which copy one (``instruments`` 'copy to my office'), edit the draft and
publish their own version, exactly as with the national checklists.

* 家长满意度调查问卷 — the parents' satisfaction questionnaire of a school: ten questions on the
  matters the routine supervision covers (《中小学校责任督学挂牌督导办法》第四条), each answered on the
  four-step scale 满意 / 比较满意 / 一般 / 不满意 (low to high as the engine expects: 不满意 first),
  and an open suggestion;
* 义务教育优质均衡发展社会认可度调查问卷 — the social-recognition survey of STANDARDS §4.6 for
  parents, teachers, students, principals, 人大代表, 政协委员 and the public: the county's equity
  policies and sharing of quality resources, and the schools' conduct, 素质教育, assessment reform
  and quality. Its pass mark is 85 %; which answers count as recognising is set per survey.
"""

SCALE = ["不满意", "一般", "比较满意", "满意"]  # a rating scale lists its labels from low to high
COUNTED_DEFAULT = ["满意", "比较满意"]

PARENTS_SATISFACTION = {
    "code": "survey-parents-satisfaction",
    "name": "家长满意度调查问卷",
    "description": "请根据您和孩子的实际感受作答。本问卷匿名填写，不记录您的姓名、电话或网络地址。",
    "source": "《中小学校责任督学挂牌督导办法》（国教督办〔2013〕2号）第四条所列经常性督导事项",
    "items": [
        ("1", "您对学校的管理和办学行为是否满意？"),
        ("2", "您对学校招生、收费的规范情况是否满意？"),
        ("3", "您对学校开齐开足课程、课堂教学质量是否满意？"),
        ("4", "您对孩子的作业量和课业负担是否满意？"),
        ("5", "您对孩子每天的体育锻炼时间和活动是否满意？"),
        ("6", "您对教师的师德师风是否满意？"),
        ("7", "您对校园及周边安全、交通安全管理是否满意？"),
        ("8", "您对学校食堂、饮水和卫生状况是否满意？"),
        ("9", "您对学校与家长的沟通和家校合作是否满意？"),
        ("10", "总体上，您对这所学校是否满意？"),
    ],
    "open_item": ("11", "您对学校还有哪些意见和建议？"),
}

BALANCE_RECOGNITION = {
    "code": "survey-balance-recognition",
    "name": "义务教育优质均衡发展社会认可度调查问卷",
    "description": "本问卷用于县域义务教育优质均衡发展督导评估的社会认可度调查，匿名填写。",
    "source": "《县域义务教育优质均衡发展督导评估办法》（教督〔2017〕6号）社会认可度；认可度达到85%以上",
    "items": [
        ("1", "您对本县推进义务教育公平、保障学生平等接受教育的政策措施是否满意？"),
        ("2", "您对本县优质教育资源共享（集团化办学、教师交流轮岗等）是否满意？"),
        ("3", "您对学校依法办学、规范办学行为是否满意？"),
        ("4", "您对学校实施素质教育、促进学生全面发展是否满意？"),
        ("5", "您对考试招生和评价制度改革是否满意？"),
        ("6", "您对学校的教育质量是否满意？"),
        ("7", "总体上，您对本县义务教育优质均衡发展是否认可？"),
    ],
    "open_item": ("8", "您对本县义务教育发展有哪些意见和建议？"),
}

QUESTIONNAIRES = (PARENTS_SATISFACTION, BALANCE_RECOGNITION)
