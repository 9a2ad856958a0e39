-- Reference data: province-level regions (GB/T 2260; XPCC 660000 is non-standard) and the
-- code lists of DOMAIN.md. Clients and tests rely on these codes; they never change here.
CREATE TABLE regions (
    code TEXT PRIMARY KEY NOT NULL CHECK (length(code) = 6),
    name TEXT NOT NULL,
    name_zh TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('province', 'municipality', 'autonomous_region', 'sar', 'corps')),
    land_border BOOLEAN NOT NULL CHECK (land_border IN (0, 1)),
    spring_rain_receiving BOOLEAN NOT NULL CHECK (spring_rain_receiving IN (0, 1)),
    non_gb2260 BOOLEAN NOT NULL CHECK (non_gb2260 IN (0, 1))
);

CREATE TABLE skills (
    code TEXT PRIMARY KEY NOT NULL,
    family TEXT NOT NULL,
    name TEXT NOT NULL,
    name_zh TEXT NOT NULL
);

CREATE TABLE languages (
    code TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    name_zh TEXT NOT NULL,
    minority BOOLEAN NOT NULL CHECK (minority IN (0, 1))
);

CREATE TABLE target_groups (
    code TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    name_zh TEXT NOT NULL,
    focus_group BOOLEAN NOT NULL CHECK (focus_group IN (0, 1))
);

CREATE TABLE activity_forms (
    code TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    name_zh TEXT NOT NULL,
    spring_rain BOOLEAN NOT NULL CHECK (spring_rain IN (0, 1))
);

CREATE TABLE course_categories (
    code TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    name_zh TEXT NOT NULL
);

INSERT INTO regions (code, name, name_zh, kind, land_border, spring_rain_receiving, non_gb2260) VALUES
('110000', 'Beijing', '北京市', 'municipality', FALSE, FALSE, FALSE),
('120000', 'Tianjin', '天津市', 'municipality', FALSE, FALSE, FALSE),
('130000', 'Hebei', '河北省', 'province', FALSE, FALSE, FALSE),
('140000', 'Shanxi', '山西省', 'province', FALSE, FALSE, FALSE),
('150000', 'Inner Mongolia', '内蒙古自治区', 'autonomous_region', TRUE, TRUE, FALSE),
('210000', 'Liaoning', '辽宁省', 'province', TRUE, TRUE, FALSE),
('220000', 'Jilin', '吉林省', 'province', TRUE, TRUE, FALSE),
('230000', 'Heilongjiang', '黑龙江省', 'province', TRUE, TRUE, FALSE),
('310000', 'Shanghai', '上海市', 'municipality', FALSE, FALSE, FALSE),
('320000', 'Jiangsu', '江苏省', 'province', FALSE, FALSE, FALSE),
('330000', 'Zhejiang', '浙江省', 'province', FALSE, FALSE, FALSE),
('340000', 'Anhui', '安徽省', 'province', FALSE, FALSE, FALSE),
('350000', 'Fujian', '福建省', 'province', FALSE, FALSE, FALSE),
('360000', 'Jiangxi', '江西省', 'province', FALSE, FALSE, FALSE),
('370000', 'Shandong', '山东省', 'province', FALSE, FALSE, FALSE),
('410000', 'Henan', '河南省', 'province', FALSE, FALSE, FALSE),
('420000', 'Hubei', '湖北省', 'province', FALSE, FALSE, FALSE),
('430000', 'Hunan', '湖南省', 'province', FALSE, FALSE, FALSE),
('440000', 'Guangdong', '广东省', 'province', FALSE, FALSE, FALSE),
('450000', 'Guangxi', '广西壮族自治区', 'autonomous_region', TRUE, TRUE, FALSE),
('460000', 'Hainan', '海南省', 'province', FALSE, FALSE, FALSE),
('500000', 'Chongqing', '重庆市', 'municipality', FALSE, FALSE, FALSE),
('510000', 'Sichuan', '四川省', 'province', FALSE, FALSE, FALSE),
('520000', 'Guizhou', '贵州省', 'province', FALSE, FALSE, FALSE),
('530000', 'Yunnan', '云南省', 'province', TRUE, TRUE, FALSE),
('540000', 'Tibet', '西藏自治区', 'autonomous_region', TRUE, TRUE, FALSE),
('610000', 'Shaanxi', '陕西省', 'province', FALSE, FALSE, FALSE),
('620000', 'Gansu', '甘肃省', 'province', TRUE, TRUE, FALSE),
('630000', 'Qinghai', '青海省', 'province', FALSE, TRUE, FALSE),
('640000', 'Ningxia', '宁夏回族自治区', 'autonomous_region', FALSE, TRUE, FALSE),
('650000', 'Xinjiang', '新疆维吾尔自治区', 'autonomous_region', TRUE, TRUE, FALSE),
('660000', 'Xinjiang Production and Construction Corps', '新疆生产建设兵团', 'corps', TRUE, TRUE, TRUE),
('710000', 'Taiwan', '台湾省', 'province', FALSE, FALSE, FALSE),
('810000', 'Hong Kong', '香港特别行政区', 'sar', FALSE, FALSE, FALSE),
('820000', 'Macao', '澳门特别行政区', 'sar', FALSE, FALSE, FALSE);

INSERT INTO skills (code, family, name, name_zh) VALUES
('performance.music', 'performance', 'Music performance', '音乐表演'),
('performance.dance', 'performance', 'Dance', '舞蹈表演'),
('performance.opera', 'performance', 'Chinese opera', '戏曲表演'),
('performance.quyi', 'performance', 'Quyi (storytelling and ballad arts)', '曲艺表演'),
('performance.drama', 'performance', 'Drama', '戏剧表演'),
('fine_arts.painting', 'fine_arts', 'Painting', '绘画'),
('fine_arts.calligraphy', 'fine_arts', 'Calligraphy', '书法'),
('fine_arts.photography', 'fine_arts', 'Photography', '摄影'),
('reading.storytelling', 'reading', 'Storytelling', '故事讲述'),
('reading.promotion', 'reading', 'Reading promotion', '阅读推广'),
('library.services', 'library', 'Library services', '图书馆服务'),
('lecture.general', 'lecture', 'General lectures', '公益讲座'),
('lecture.heritage', 'lecture', 'Heritage lectures', '非遗讲座'),
('heritage.crafts', 'heritage', 'Traditional crafts', '传统技艺'),
('film.screening', 'film', 'Film screening', '电影放映'),
('digital.literacy', 'digital', 'Digital literacy tutoring', '数字技能辅导'),
('event.organising', 'event', 'Event organising', '活动组织'),
('sign_language', 'care', 'Sign language', '手语'),
('first_aid', 'care', 'First aid', '急救'),
('elder_care', 'care', 'Elder care', '助老服务'),
('child_care', 'care', 'Child care', '儿童看护'),
('translation', 'language', 'Translation and interpreting', '翻译');

INSERT INTO languages (code, name, name_zh, minority) VALUES
('zh', 'Mandarin', '普通话', FALSE),
('ug', 'Uyghur', '维吾尔语', TRUE),
('bo', 'Tibetan', '藏语', TRUE),
('mn', 'Mongolian', '蒙古语', TRUE),
('kk', 'Kazakh', '哈萨克语', TRUE),
('ko', 'Korean', '朝鲜语', TRUE),
('za', 'Zhuang', '壮语', TRUE),
('ii', 'Yi', '彝语', TRUE),
('tdd', 'Dai', '傣语', TRUE),
('ky', 'Kyrgyz', '柯尔克孜语', TRUE),
('yue', 'Cantonese', '粤语', FALSE),
('en', 'English', '英语', FALSE);

INSERT INTO target_groups (code, name, name_zh, focus_group) VALUES
('left_behind_children', 'Left-behind children', '留守儿童', TRUE),
('empty_nest_elderly', 'Empty-nest elderly', '空巢老人', TRUE),
('rural_migrant_workers', 'Rural migrant workers', '农民工', TRUE),
('people_in_hardship', 'People in hardship', '困难群众', TRUE),
('minors', 'Minors', '未成年人', FALSE),
('elderly', 'Elderly people', '老年人', FALSE),
('disabled', 'People with disabilities', '残疾人', FALSE),
('border_ethnic_communities', 'Border and ethnic-region communities', '边疆民族地区群众', FALSE),
('general_public', 'General public', '社会公众', FALSE);

INSERT INTO activity_forms (code, name, name_zh, spring_rain) VALUES
('performance', 'Performance (Spring Rain: stage)', '演出（大舞台）', TRUE),
('lecture', 'Lecture (Spring Rain: lecture hall)', '讲座（大讲堂）', TRUE),
('exhibition', 'Exhibition (Spring Rain: exhibition stand)', '展览（大展台）', TRUE),
('reading', 'Reading promotion', '阅读推广', FALSE),
('training', 'Training', '培训辅导', FALSE),
('film_screening', 'Film screening', '电影放映', FALSE),
('heritage', 'Intangible heritage', '非遗展示', FALSE),
('digital_service', 'Digital cultural service', '数字文化服务', FALSE),
('other', 'Other', '其他', FALSE);

INSERT INTO course_categories (code, name, name_zh) VALUES
('orientation', 'Orientation: volunteer law and the Lei Feng spirit', '通用培训：志愿服务法规与雷锋精神'),
('skill', 'Skill training', '专业技能培训'),
('safety', 'Safety', '安全培训'),
('child_safeguarding', 'Child safeguarding', '儿童保护'),
('elder_care', 'Elder care', '助老服务培训'),
('border_orientation', 'Border and ethnic-culture orientation', '边疆民族文化培训');
