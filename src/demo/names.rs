//! Name pools for demo people: common Han surnames and given names, and Uyghur and Tibetan
//! names as they are written in Chinese documents.

use rand::Rng;
use rand::seq::IndexedRandom;

/// The most common Han surnames (weighted by repetition of the frequent ones).
const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾",
    "肖", "田", "董", "袁", "潘", "于", "蒋", "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁",
    "任", "沈", "姚", "卢", "姜", "崔", "钟", "谭", "陆", "汪", "范", "金", "石", "廖", "贾", "夏",
    "韦", "方", "白", "邹", "孟", "熊", "秦", "邱", "江", "尹", "薛", "欧阳", "司马", "诸葛", "王",
    "李", "张", "刘", "陈",
];

const GIVEN_MALE: &[&str] = &[
    "伟", "强", "磊", "军", "洋", "勇", "杰", "涛", "明", "超", "浩", "鹏", "宇", "俊", "斌",
    "建国", "志强", "海涛", "文博", "子轩", "浩然", "宇航", "晨阳", "家豪", "天佑", "振华", "国栋",
    "立新", "思远", "一鸣", "嘉懿", "博文", "俊杰", "明轩", "建华", "永康",
];

const GIVEN_FEMALE: &[&str] = &[
    "芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "婷", "雪", "琳", "洁", "倩", "颖", "蕾",
    "秀英", "桂兰", "玉梅", "晓燕", "雨欣", "梓涵", "欣怡", "思琪", "佳怡", "诗涵", "若曦", "慧敏",
    "丽华", "春梅", "海燕", "雅婷", "梦洁", "紫萱", "静怡", "佩玲", "雪梅",
];

const UYGHUR_MALE: &[&str] = &[
    "艾力",
    "买买提",
    "阿不都",
    "吐尔逊",
    "艾尔肯",
    "努尔",
    "依明",
    "热合曼",
    "亚森",
    "肉孜",
    "阿迪力",
    "库尔班",
];

const UYGHUR_FEMALE: &[&str] = &[
    "阿依古丽",
    "古丽娜尔",
    "热依拉",
    "帕提古丽",
    "迪丽娜尔",
    "米热古丽",
    "努尔古丽",
    "阿依努尔",
    "祖丽菲亚",
    "哈丽旦",
];

const UYGHUR_FATHER: &[&str] = &[
    "买买提",
    "吐尔逊",
    "阿不来提",
    "艾山",
    "热西提",
    "克里木",
    "玉素甫",
    "吾守尔",
    "卡德尔",
];

const TIBETAN_MALE: &[&str] = &[
    "扎西", "次仁", "多吉", "顿珠", "平措", "格桑", "旺堆", "洛桑", "丹增", "尼玛", "索朗",
];

const TIBETAN_FEMALE: &[&str] = &[
    "卓玛", "央金", "拉姆", "德吉", "白玛", "曲珍", "格桑", "次仁", "措姆", "普布",
];

/// Which naming tradition a person's name follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tradition {
    Han,
    Uyghur,
    Tibetan,
}

/// A full name in the tradition, for a man (`male`) or a woman.
pub fn full_name(rng: &mut impl Rng, tradition: Tradition, male: bool) -> String {
    let pick = |rng: &mut _, list: &[&'static str]| *list.choose(rng).unwrap_or(&"明");
    match tradition {
        Tradition::Han => {
            let given = pick(rng, if male { GIVEN_MALE } else { GIVEN_FEMALE });
            format!("{}{given}", pick(rng, SURNAMES))
        }
        Tradition::Uyghur => {
            let own = pick(rng, if male { UYGHUR_MALE } else { UYGHUR_FEMALE });
            format!("{own}·{}", pick(rng, UYGHUR_FATHER))
        }
        Tradition::Tibetan => {
            let list = if male { TIBETAN_MALE } else { TIBETAN_FEMALE };
            // Two-part Tibetan names, e.g. 扎西次仁 or 白玛央金.
            let first = pick(rng, list);
            let mut second = pick(rng, list);
            if second == first {
                second = pick(rng, list);
            }
            format!("{first}{second}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn names_are_printable_and_follow_the_tradition() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(1);
        for _ in 0..200 {
            let han = full_name(&mut rng, Tradition::Han, true);
            assert!((2..=4).contains(&han.chars().count()), "{han}");
            let uyghur = full_name(&mut rng, Tradition::Uyghur, false);
            assert!(uyghur.contains('·'), "{uyghur}");
            let tibetan = full_name(&mut rng, Tradition::Tibetan, true);
            assert!(!tibetan.is_empty());
        }
    }
}
