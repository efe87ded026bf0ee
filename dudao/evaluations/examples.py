"""The two example indicator systems shipped as data (loaded after every migrate and flush by
``services.ensure_example_indicator_systems``; an office copies one to adapt it, as with the
national checklists).

* 中小学校督导评估指标体系（示例，可编辑） — a school evaluation: 7 first-level indicators and 21
  second-level ones worth 100 points, with two veto items (一票否决, worth no points) and the
  evidence each leaf needs. It follows the matters of 《教育督导条例》第十一条 (STANDARDS §5.2); it is an
  example, not a national text: offices publish their own version.
* 县域义务教育优质均衡发展督导评估（政府保障程度、教育质量）（可编辑） — the 15 government-guarantee
  items (第七条) and the 9 education-quality items (第八条) of 教督〔2017〕6号 in the wording of
  STANDARDS §4.4–§4.5, each met or not (是/否, one point each), evidence required; plus the veto items
  reported for the method (STANDARDS §4.1). Parts of the wording are marked [R] in STANDARDS (not
  read in the national text), hence "可编辑".

Rows: ``(code, parent code, text, response type, max score, criteria, veto, evidence required)``.
"""

SCHOOL_SYSTEM = {
    "code": "example-school-evaluation",
    "name": "中小学校督导评估指标体系（示例，可编辑）",
    "kind": "indicator_system",
    "audience": "schools",
    "source": "《教育督导条例》第十一条、第十八条至第二十一条；各地可发布本地版本",
    "description": "7项一级指标、21项二级指标，满分100分；一票否决项不计分，否决时总分按评估设定封顶、等级为不合格。",
    "items": [
        ("A", None, "办学方向与学校管理", "section", None, "", False, False),
        ("A1", "A", "坚持正确办学方向，落实立德树人根本任务", "score", 5,
         "党组织领导的校长负责制落实到位得5分；制度不健全扣1—2分；落实不到位扣1—3分。", False, True),
        ("A2", "A", "学校章程与内部管理制度健全", "score", 5,
         "有章程并依章程办学得2分；制度汇编完整、执行有记录得3分；缺一项扣1分。", False, True),
        ("A3", "A", "依法治校，校务公开，民主管理", "score", 5,
         "教代会、家长委员会正常运行得3分；校务公开及时完整得2分。", False, False),
        ("A4", "A", "无以考试方式招生、违规择校、设置重点校或重点班等行为（一票否决）", "yes_no", None,
         "存在上述行为之一的，评估结论为不合格。", True, False),
        ("B", None, "德育与校园文化", "section", None, "", False, False),
        ("B1", "B", "德育工作体系健全，活动有实效", "score", 8,
         "德育计划、队伍、课程、活动齐全得4分；主题教育有记录、有成效得4分。", False, True),
        ("B2", "B", "校园文化建设与环境育人", "score", 7,
         "校风、教风、学风建设有特色得4分；校园环境整洁、文化氛围浓厚得3分。", False, False),
        ("C", None, "课程与教学", "section", None, "", False, False),
        ("C1", "C", "国家课程开齐开足，课表规范", "score", 7,
         "按课程方案开齐开足得7分；每缺一门或课时不足扣2分。", False, True),
        ("C2", "C", "课堂教学与校本教研", "score", 7,
         "随堂听课优良率达到80%以上得4分；教研活动常态化、有记录得3分。", False, False),
        ("C3", "C", "作业管理与学生课业负担", "score", 6,
         "作业总量和时长符合规定得3分；作业公示、分层设计得3分；发现超量布置扣3分。", False, True),
        ("D", None, "教师队伍建设", "section", None, "", False, False),
        ("D1", "D", "师德师风建设", "score", 6,
         "师德考核制度健全并落实得6分；出现违反师德行为的，每起扣3分。", False, False),
        ("D2", "D", "教师专业发展", "score", 5,
         "有教师发展规划、青年教师培养机制得3分；骨干教师示范引领得2分。", False, False),
        ("D3", "D", "教师培训与经费保障", "score", 4,
         "按不低于年度公用经费预算总额5%安排培训经费得2分；培训学时达标得2分。", False, True),
        ("E", None, "学生发展", "section", None, "", False, False),
        ("E1", "E", "体质健康与体育锻炼", "score", 5,
         "落实每天校内体育活动一小时得3分；体质健康测试达标率达到规定得2分。", False, True),
        ("E2", "E", "艺术教育与劳动教育", "score", 5,
         "艺术课程与社团活动正常开展得3分；劳动教育有课时、有基地得2分。", False, False),
        ("E3", "E", "心理健康教育", "score", 5,
         "有专（兼）职心理教师和心理辅导室得3分；开展心理健康课程与个别辅导得2分。", False, False),
        ("F", None, "安全与后勤保障", "section", None, "", False, False),
        ("F1", "F", "安全管理制度与应急演练", "score", 4,
         "安全责任制落实、每学期至少一次应急疏散演练得4分。", False, True),
        ("F2", "F", "食堂、食品与饮水卫生", "score", 4,
         "证照齐全、陪餐制度落实、留样规范得4分；每发现一项问题扣1分。", False, True),
        ("F3", "F", "校舍与设施设备安全", "score", 4,
         "校舍安全排查有台账、隐患及时整改得4分。", False, False),
        ("F4", "F", "未发生重大安全责任事故或严重违纪违规事件（一票否决）", "yes_no", None,
         "发生重大安全责任事故或严重违纪违规事件的，评估结论为不合格。", True, False),
        ("G", None, "办学特色与社会评价", "section", None, "", False, False),
        ("G1", "G", "办学特色与创新", "score", 4,
         "特色项目有规划、有成果、有影响得4分。", False, False),
        ("G2", "G", "家长与社会满意度", "score", 4,
         "满意度调查满意率90%以上得4分，80%—90%得3分，70%—80%得2分，其余得1分。", False, True),
    ],
}

# The veto items reported for the 2017 method (STANDARDS §4.1: "以考试方式招生、违规择校、重点校、重点班")
GOVERNMENT_VETO = [
    ("V1", "V", "无以考试方式招生、违规择校、设置重点校和重点班等行为（一票否决）",
     "存在上述行为之一的，不予认定。"),
]

GOVERNMENT_SYSTEM = {
    "code": "example-quality-balance-2017",
    "name": "县域义务教育优质均衡发展督导评估（政府保障程度、教育质量）（可编辑）",
    "kind": "indicator_system",
    "audience": "governments",
    "source": "《县域义务教育优质均衡发展督导评估办法》（教督〔2017〕6号）第七条、第八条",
    "description": "政府保障程度15项、教育质量9项，每项达到要求得1分；部分条文措辞待与国家文本核对，各地可编辑。",
    "items": [
        ("G", None, "政府保障程度", "section", None, "", False, False),
        *[(f"G{n}", "G", text, "yes_no", None, "达到要求为“是”，未达到为“否”。", False, True)
          for n, text in enumerate([
              "县域内义务教育学校规划布局合理，符合国家规定要求。",
              "县域内城乡义务教育学校建设标准统一、教师编制标准统一、生均公用经费基准定额统一、基本装备配置标准统一。",
              "所有小学、初中每12个班级配备音乐、美术专用教室1间以上；其中，每间音乐专用教室面积不小于96平方米，"
              "每间美术专用教室面积不小于90平方米。",
              "所有小学、初中规模不超过2000人，九年一贯制学校、十二年一贯制学校义务教育阶段规模不超过2500人。",
              "小学、初中所有班级学生数分别不超过45人、50人。",
              "不足100名学生村小学和教学点按100名学生核定公用经费。",
              "特殊教育学校生均公用经费不低于6000元。",
              "全县义务教育学校教师平均工资收入水平不低于当地公务员平均工资收入水平，按规定足额核定教师绩效工资总量。",
              "教师5年360学时培训完成率达到100%。",
              "县级教育行政部门在核定的教职工编制总额和岗位总量内，统筹分配各校教职工编制和岗位数量。",
              "全县每年交流轮岗教师的比例不低于符合交流条件教师总数的10%；其中，骨干教师不低于交流轮岗教师总数的20%。",
              "专任教师持有教师资格证上岗率达到100%。",
              "城区和镇区公办小学、初中（不含寄宿制学校）就近划片入学比例分别达到100%、95%以上。",
              "全县优质高中招生名额分配比例不低于50%，并向农村初中倾斜。",
              "县域内留守儿童关爱体系健全，全县符合条件的随迁子女在公办学校和政府购买服务的民办学校就读的比例不低于85%。",
          ], start=1)],
        ("Q", None, "教育质量", "section", None, "", False, False),
        *[(f"Q{n}", "Q", text, "yes_no", None, "达到要求为“是”，未达到为“否”。", False, True)
          for n, text in enumerate([
              "全县初中3年巩固率达到95%以上。",
              "全县残疾儿童少年入学率达到95%以上。",
              "所有学校制定章程，实现学校管理与教学信息化。",
              "全县所有学校按照不低于学校年度公用经费预算总额的5%安排教师培训经费。",
              "教师能熟练运用信息化手段组织教学，设施设备利用率达到较高水平。",
              "所有学校德育工作、校园文化建设水平达到良好以上。",
              "课程开齐开足，教学秩序规范，综合实践活动有效开展。",
              "无过重课业负担。",
              "在国家义务教育质量监测中，相关科目学生学业水平达到Ⅲ级以上，且校际差异率低于0.15。",
          ], start=1)],
        ("V", None, "一票否决项", "section", None, "", False, False),
        *[(code, parent, text, "yes_no", None, criteria, True, False) for code, parent, text, criteria in GOVERNMENT_VETO],
    ],
}

EXAMPLE_SYSTEMS = (SCHOOL_SYSTEM, GOVERNMENT_SYSTEM)
