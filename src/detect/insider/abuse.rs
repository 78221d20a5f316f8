//! Abusive review text: the one ground on which staff rightly remove a negative review without
//! an independent complaint. The insider verdict ([`super::score::verdict`]) asks this module,
//! never the removal's own stated reason (an insider writes "abusive content" on every
//! removal it is paid for).
//!
//! **Policy.** Abuse is an insult, a slur, profanity or a threat aimed at a person. A complaint
//! about the goods or the service is never abuse, however harsh: "fake", "rubbish", "scam",
//! 骗子 (cheat), 垃圾 (rubbish), 假货 (counterfeit) are what legitimate negative reviews say,
//! so they are deliberately absent — a list that contained them would let an insider pass off
//! legitimate removals as moderation.
//!
//! **The vocabulary** is maintained here, in Chinese and English, from the common insults and
//! profanity of Chinese marketplaces and English-language reviews, not from any dataset's
//! sentences. Chinese terms match as substrings after spaces and separators are dropped
//! ("傻 逼", "傻*逼"); English terms match whole words (so "Scunthorpe", "shiitake" and
//! "assessment" stay clean), masked forms included ("f*ck", "sh*t"), and multi-word phrases
//! match on word boundaries. To add a term: a real example of abusive use, and a test that an
//! ordinary complaint containing a near word stays clean.

/// Chinese insults and curses (substrings after separators are removed; Latin letters in
/// them are lower-case).
/// Short or ambiguous forms are left out on purpose: 妈的 is inside 妈妈的 (mother's), 日你
/// inside 生日你们, 去死 inside 去死皮 (exfoliating), 杂种 describes a mixed-breed pet.
pub const ZH: &[&str] = &[
    "傻逼",
    "傻b",
    "傻x",
    "煞笔",
    "沙比",
    "傻叉",
    "脑残",
    "弱智",
    "白痴",
    "智障",
    "蠢货",
    "蠢猪",
    "贱人",
    "贱货",
    "婊子",
    "王八蛋",
    "混蛋",
    "人渣",
    "畜生",
    "狗东西",
    "狗日的",
    "滚蛋",
    "去死吧",
    "死全家",
    "全家死光",
    "不得好死",
    "操你",
    "草泥马",
    "他妈的",
    "你妈的",
    "尼玛的",
];

/// English profanity and insults (whole words, lower-case; `*` in a review's word matches any
/// letter).
pub const EN_WORDS: &[&str] = &[
    "fuck",
    "fucking",
    "fucked",
    "fucker",
    "fuckers",
    "fucks",
    "motherfucker",
    "shit",
    "shitty",
    "bullshit",
    "bitch",
    "bitches",
    "bastard",
    "bastards",
    "asshole",
    "assholes",
    "dickhead",
    "idiot",
    "idiots",
    "moron",
    "morons",
    "retard",
    "retarded",
    "scumbag",
    "scumbags",
    "cunt",
    "stfu",
    "sb",
    "tmd",
    "nmsl",
];

/// English phrases (matched on word boundaries).
pub const EN_PHRASES: &[&str] = &["go to hell", "kill yourself", "piece of crap"];

/// Full-width ASCII to half-width, lower-case.
fn fold(c: char) -> char {
    let c = match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    };
    c.to_ascii_lowercase()
}

/// The text without spaces and the separators people put inside a word to dodge filters.
fn squeezed(text: &str) -> String {
    text.chars()
        .map(fold)
        .filter(|c| !c.is_whitespace() && !matches!(c, '*' | '.' | '-' | '_' | '·' | '•' | '|'))
        .collect()
}

/// Latin words (letters, digits, `*`) of the text, lower-case.
fn words(text: &str) -> Vec<String> {
    let folded: String = text.chars().map(fold).collect();
    folded
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '*'))
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// `word` is `term`, letter for letter, `*` standing for any letter.
fn masked_eq(word: &str, term: &str) -> bool {
    word.len() == term.len()
        && word.contains(|c: char| c.is_ascii_alphabetic())
        && word
            .bytes()
            .zip(term.bytes())
            .all(|(w, t)| w == t || w == b'*')
}

/// The vocabulary term the text contains, if any (for the verdict's reason).
pub fn abusive_term(text: &str) -> Option<&'static str> {
    let squeezed = squeezed(text);
    if let Some(t) = ZH.iter().find(|t| squeezed.contains(*t)) {
        return Some(t);
    }
    let words = words(text);
    for w in &words {
        if let Some(t) = EN_WORDS.iter().find(|t| masked_eq(w, t)) {
            return Some(t);
        }
    }
    let joined = format!(" {} ", words.join(" "));
    EN_PHRASES
        .iter()
        .find(|p| joined.contains(&format!(" {p} ")))
        .copied()
}

/// True when the text is abusive under the policy above.
pub fn is_abusive(text: Option<&str>) -> bool {
    text.and_then(abusive_term).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Written for this test, in the styles of real reviews; none comes from the generator.
    const ABUSIVE: &[&str] = &[
        "你个傻逼卖家，回消息这么慢",
        "客服脑残吧？问三遍都听不懂",
        "草泥马的破店",
        "老板是个王八蛋",
        "傻 逼 店 主",
        "ＳＢ店主，发错货还骂人",
        "F*ck this seller, never again",
        "you idiots never answer the phone",
        "what a bunch of morons",
        "seller can go to hell",
        "Piece of crap service, the owner is an asshole",
    ];

    /// Harsh but legitimate complaints: about the goods and the service, not the person.
    const COMPLAINTS: &[&str] = &[
        "卖家是骗子，收钱不发货",
        "垃圾质量，一天就坏",
        "假货，和专柜的完全不一样",
        "差评！物流慢得离谱，包装也烂了",
        "This is a scam, the parcel never arrived",
        "garbage product, total rip-off",
        "Ordered shiitake mushrooms, got mouldy ones",
        "Shipped from Scunthorpe, arrived broken",
        "The assessment of the seller was useless",
        "the battery died after two days",
        "说好的七天无理由退货，结果不给退",
        "去死皮效果不错，就是味道大",
        "买给妈妈的生日礼物，颜色发错了",
        "生日你们送的小礼物是坏的",
        "杂种狗也能用的狗粮，可惜过期了",
    ];

    #[test]
    fn insults_and_profanity_are_abusive() {
        for t in ABUSIVE {
            assert!(is_abusive(Some(t)), "{t}");
        }
    }

    #[test]
    fn harsh_complaints_are_not_abusive() {
        for t in COMPLAINTS {
            assert_eq!(abusive_term(t), None, "{t}");
        }
        assert!(!is_abusive(None));
    }

    #[test]
    fn masks_must_fit_a_whole_word() {
        assert!(masked_eq("f*ck", "fuck"));
        assert!(masked_eq("sh*t", "shit"));
        assert!(!masked_eq("****", "fuck"), "a row of stars is no word");
        assert!(!masked_eq("f*cking", "fuck"));
    }
}
