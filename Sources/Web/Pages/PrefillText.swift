import Services

/// The pre-fill pages' own texts in both languages (the forms bring their field labels with them).
extension PageText {
    static let prefill = PageText([
        "index.title": ("填写业务单", "Fill in a form"),
        "index.intro": ("在手机上提前填好，到柜台出示取件码，柜员无需重复录入。", "Fill it in on your phone, show the code at the counter, and nothing is typed twice."),
        "category.personal": ("个人业务", "Personal banking"),
        "category.foreign_exchange": ("外汇业务", "Foreign exchange"),
        "poster": ("网点海报", "Branch poster"),
        "required": ("必填", "required"),
        "submit": ("提交，获取取件码", "Submit and get my code"),
        "choose": ("请选择", "Choose"),
        "words": ("大写", "In words"),
        "fix": ("请修改标红的栏目", "Please correct the fields marked in red"),
        "done.title": ("已提交", "Submitted"),
        "done.code": ("您的取件码", "Your code"),
        "done.show": ("请在柜台向柜员出示此码（或二维码）。", "Show this code (or the QR code) to the teller at the counter."),
        "done.expires": ("有效期至", "Valid until"),
        "done.private": ("此码只能使用一次；请勿转给他人。", "The code works once; do not pass it on."),
        "done.again": ("再填一张", "Fill in another"),
        "error": ("提交失败", "Could not submit"),
        "limited": ("操作太频繁，请稍后再试", "Too many attempts; please wait a minute"),
        "scan": ("扫码填写", "Scan to fill in"),
        "back": ("全部表单", "All forms"),
    ])
}
