//! Static vocabularies: names, regions, categories and message/review texts.
//! Texts never contain `"` or `\`, but the writer escapes anyway.

pub(crate) const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾",
    "肖", "田", "董", "袁", "潘", "于", "蒋", "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁",
    "任", "沈", "姚", "卢", "姜", "崔", "钟", "谭", "陆", "汪", "范", "金", "石", "廖", "贾", "夏",
    "韦", "付", "方", "白", "邹", "孟", "熊", "秦", "邱", "江", "尹", "薛", "闫", "段", "雷", "侯",
];

pub(crate) const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟",
    "涛", "明", "超", "秀兰", "霞", "平", "刚", "桂英", "华", "玉兰", "萍", "红", "鹏", "晶",
    "建华", "建国", "丹", "玲", "斌", "宇", "浩", "凯", "婷", "雪", "琳", "欣怡", "子涵", "梓轩",
    "一诺", "思远", "佳怡", "晨", "亮", "俊杰", "雨萱", "文", "辉", "海燕", "志强", "小红", "春梅",
    "建军", "立新", "金凤", "晓东", "嘉豪", "博文", "雅琪", "浩然", "诗涵", "梦琪", "子豪", "宏伟",
    "秀珍", "淑珍",
];

/// (province, weight) — weights roughly follow online-shopper population.
pub(crate) const REGIONS: &[(&str, u32)] = &[
    ("Guangdong", 14),
    ("Zhejiang", 10),
    ("Jiangsu", 10),
    ("Shandong", 7),
    ("Henan", 6),
    ("Sichuan", 6),
    ("Hebei", 5),
    ("Hubei", 5),
    ("Hunan", 5),
    ("Fujian", 5),
    ("Shanghai", 5),
    ("Beijing", 5),
    ("Anhui", 4),
    ("Jiangxi", 3),
    ("Liaoning", 3),
    ("Shaanxi", 3),
    ("Guangxi", 3),
    ("Chongqing", 3),
    ("Yunnan", 2),
    ("Tianjin", 2),
    ("Shanxi", 2),
    ("Heilongjiang", 2),
    ("Jilin", 2),
    ("Guizhou", 2),
    ("Inner Mongolia", 1),
    ("Xinjiang", 1),
    ("Gansu", 1),
    ("Hainan", 1),
    ("Ningxia", 1),
    ("Qinghai", 1),
    ("Tibet", 1),
];

/// (category, typical price in fen)
pub(crate) const CATEGORIES: &[(&str, u64)] = &[
    ("apparel", 12_000),
    ("shoes", 19_000),
    ("bags", 16_000),
    ("cosmetics", 9_000),
    ("baby", 8_000),
    ("snacks", 4_000),
    ("tea", 11_000),
    ("electronics", 45_000),
    ("appliances", 60_000),
    ("home", 9_000),
    ("kitchen", 7_000),
    ("sports", 15_000),
    ("outdoor", 18_000),
    ("books", 4_500),
    ("toys", 7_500),
    ("pets", 6_000),
    ("jewelry", 30_000),
    ("auto", 20_000),
    ("health", 12_000),
    ("phones", 80_000),
];

pub(crate) const SHOP_PREFIX: &[&str] = &[
    "小美",
    "优品",
    "乐享",
    "阿里",
    "江南",
    "蓝天",
    "金牌",
    "老字号",
    "潮流",
    "简约",
    "时尚",
    "悦购",
    "鑫源",
    "百佳",
    "品尚",
    "花漾",
    "锦绣",
    "安心",
    "天天",
    "良心",
    "星辰",
    "晨光",
    "森林",
    "暖暖",
];
pub(crate) const SHOP_SUFFIX: &[&str] = &[
    "旗舰店",
    "专营店",
    "小店",
    "工作室",
    "精品店",
    "官方店",
    "直营店",
    "的店",
    "生活馆",
    "优选",
];
pub(crate) const CATEGORY_ZH: &[&str] = &[
    "服饰", "鞋业", "箱包", "美妆", "母婴", "零食", "茶叶", "数码", "电器", "家居", "厨具", "运动",
    "户外", "书店", "玩具", "宠物", "珠宝", "汽配", "保健", "手机",
];

pub(crate) const REVIEW_5: &[&str] = &[
    "好评！质量很好，物流也快",
    "宝贝收到了，很满意",
    "和描述一致，推荐购买",
    "第二次购买了，一如既往的好",
    "包装很仔细，卖家服务态度好",
    "性价比很高",
    "很喜欢，下次还来",
    "东西不错，快递给力",
    "好评",
    "满意",
    "great quality, fast shipping",
    "尺码合适，穿着舒服",
];
pub(crate) const REVIEW_4: &[&str] = &[
    "还可以，物流稍慢",
    "东西不错，包装一般",
    "总体满意，有点小瑕疵",
    "挺好的，就是颜色有点色差",
    "质量还行，价格合理",
    "ok, as described",
];
pub(crate) const REVIEW_3: &[&str] = &[
    "一般般吧",
    "中规中矩，没有想象中好",
    "质量一般，凑合用",
    "物流太慢了，东西还行",
    "有色差，勉强接受",
];
pub(crate) const REVIEW_NEG: &[&str] = &[
    "质量太差，与描述不符",
    "收到就是坏的，联系客服没人理",
    "做工粗糙，不值这个价",
    "发错货了，很失望",
    "用了两天就坏了",
    "有异味，不敢用",
    "尺码严重不标准，退货还要自己出运费",
    "物流慢，包装破损",
    "和图片差别太大",
    "客服态度很差",
    "poor quality, not as described",
    "疑似假货，大家谨慎购买",
];
/// Genuinely abusive negative texts (platform policy violations).
pub(crate) const REVIEW_ABUSIVE: &[&str] = &[
    "垃圾店！骗子！全家都是骗子",
    "什么破东西，卖家去死吧",
    "傻X卖家，垃圾垃圾垃圾",
    "骗子店铺，老板不得好死",
];
/// Negative reviews posted by extortion crews / hired agents: plausible complaints.
pub(crate) const REVIEW_MALICIOUS: &[&str] = &[
    "假货！大家千万别买",
    "质量极差，和描述完全不符",
    "收到的是旧货，差评",
    "有质量问题，卖家拒不处理",
    "东西有异味，疑似三无产品",
    "严重货不对板，欺骗消费者",
    "包装破损，东西也是坏的",
    "做工太差，退货都不给退",
];

pub(crate) const MSG_PRESALE: &[&str] = &[
    "在吗？这个还有现货吗",
    "请问什么时候发货",
    "能便宜点吗",
    "这个尺码偏大还是偏小",
    "可以发顺丰吗",
    "有没有优惠券",
    "这款和那款有什么区别",
];
pub(crate) const MSG_PRESALE_REPLY: &[&str] = &[
    "亲，有货的，今天下单明天发",
    "亲，已经是最低价了哦",
    "亲，按平时的尺码拍就可以",
    "亲，可以的，需要补运费哦",
    "亲，领店铺优惠券更划算",
];
pub(crate) const MSG_POSTSALE: &[&str] = &[
    "快递到哪了",
    "收到了，怎么安装",
    "能开发票吗",
    "少发了一个配件",
    "我想换个颜色",
];
pub(crate) const MSG_OWNER_AFTER_NEG: &[&str] = &[
    "亲，看到您的评价了，请问有什么问题吗？可以给您退换",
    "亲，实在抱歉，给您带来不好的体验，我们给您补偿好吗",
    "亲，这个问题我们负责，给您退部分款可以吗",
    "亲，麻烦加一下客服，我们帮您处理",
];
pub(crate) const MSG_BUYER_REPLY_NEG: &[&str] = &[
    "东西确实有问题",
    "算了，不用了",
    "那你们退一部分钱吧",
    "好的，处理好了我改评价",
    "我要退货",
];
pub(crate) const MSG_DISPUTE_REPLY: &[&str] = &[
    "好的，谢谢，退款收到了我就改评价",
    "行，那就退一部分吧",
    "态度还不错，我改一下评价",
];

pub(crate) const MSG_EXTORT: &[&str] = &[
    "你店的差评看到了吧？不给钱，就有更多差评",
    "要么花钱消灾，要么更多的人来给你差评",
    "想删差评？转钱过来，不然天天给你差评",
    "pay or more bad reviews come",
    "给个数，钱到了马上删评，不然后面还有",
    "我们人多，不想店铺被刷差评就识相点",
];
pub(crate) const MSG_EXTORT_REPLY: &[&str] = &[
    "你这是敲诈",
    "多少钱能删",
    "好吧，转给你了，赶紧删",
    "能不能少一点",
    "钱转了，说话算话",
];
pub(crate) const MSG_CREW: &[&str] = &[
    "下一家定了，今晚下单",
    "收到货直接给差评，写质量问题",
    "钱到了，你的那份已转",
    "这家老板松口了，先别动",
    "换个号下单，别用同一个地址",
    "这家不给钱，再找人补一个差评",
    "评价写狠一点",
];
pub(crate) const MSG_CREW_REPLY: &[&str] = &["好的", "已下单", "评价发了", "收到", "明天到货就评"];
pub(crate) const MSG_CAMPAIGN: &[&str] = &[
    "明天开始刷这几家，统一给差评",
    "每单返佣金，评完截图给我",
    "这次是同类目的几家，链接发你了",
    "评价别写太一样，分开时间下单",
    "单子做完了报一下数量",
];
pub(crate) const MSG_BROKER: &[&str] = &[
    "老板那边定了，钱先打过去",
    "几家竞品的链接发你",
    "这周能做完吗",
    "钱转过去了，查收",
];
pub(crate) const MSG_BRIBE: &[&str] = &[
    "麻烦处理下这几条差评，订单号发你了",
    "上次的事谢谢了，这次还有几条",
    "老规矩，钱已经转了",
    "这几条评价能删吗",
    "新的一批差评，麻烦了",
];
pub(crate) const MSG_INSIDER_FAMILY: &[&str] = &[
    "钱收到了",
    "晚上回家吃饭吗",
    "卡里的钱别动",
    "名单发你了",
    "妈说周末过来",
];
pub(crate) const MSG_FRIENDS: &[&str] = &[
    "周末吃饭吗",
    "房租转你了",
    "电影票钱给你",
    "晚上一起打球",
    "生日快乐！",
    "上次借的钱还你",
    "AA的钱",
    "明天几点集合",
];
pub(crate) const MSG_SERVICE: &[&str] = &[
    "老板，新一期的图拍好了",
    "推广方案发您了",
    "这个月的账单",
    "直通车数据周报",
];

pub(crate) const MEMO_FRIENDS: &[&str] = &[
    "dinner",
    "rent",
    "AA",
    "电影票",
    "还你的",
    "红包",
    "",
    "KTV",
];
pub(crate) const MEMO_PRIVATE: &[&str] = &[
    "",
    "",
    "还钱",
    "借款",
    "红包",
    "生日快乐",
    "转账",
    "生活费",
    "AA",
];
pub(crate) const MEMO_SERVICE: &[&str] = &["摄影费", "推广费", "代运营", "快递费", "", "设计费"];
pub(crate) const MEMO_EXTORT: &[&str] = &["", "", "删评", "转账", "红包"];
pub(crate) const MEMO_MULE: &[&str] = &["货款", "", "还款", "转账", "往来款"];
pub(crate) const MEMO_SHARE: &[&str] = &["", "分成", "红包", "辛苦费"];
pub(crate) const MEMO_BRIBE: &[&str] = &["", "", "咨询费", "服务费", "借款", "转账"];

pub(crate) const REASONS: &[&str] = &["abusive content", "irrelevant", "spam", "privacy violation"];
