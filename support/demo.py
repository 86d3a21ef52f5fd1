"""Demo support data. `load_faq()`: three FAQ categories and eight published articles in the five languages
(ordering, delivery and tracking, invoices and payments, returns, the account), keyed by slug: loading again creates
nothing and leaves articles staff have edited as they are. Other parts of the support demo add their loaders to
`load()`.

`load_support()`: the support team (group "Support agents": two agents and a team lead, the demo password), three
teams with their categories, the demo dealers' tiers (Kaya gold, Ankara key account) and tickets of the demo dealers
in every state, made through the services (open, reply, the desk's assign, notes, replies and merge, close, rate)
and then dated over the last days like the shipping demo: new, open, waiting on the dealer (its clocks paused),
resolved and rated, closed, one breached (opened 12 days ago, never answered) and a duplicate merged into its
original; each with an internal note where an agent worked it. Each ticket is keyed by its dealer and subject:
loading again creates nothing.

`load_channel_extras()` (issue 16): the other channels in the desk, through their intake services: two messages held
in quarantine (a stranger's mail, a WhatsApp message from an unknown number), a dealer's mail reply threaded by its
In-Reply-To, an ignored auto-reply, a WhatsApp conversation with its receipts and a finished live chat; keyed by fixed
Message-IDs, wamids and first lines."""
import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from .models import Article, ArticleCategory, ArticleStatus

LANGS = ("en", "tr", "bg", "vi", "zh_hans")

CATEGORIES = [
    # slug, position, names in LANGS order
    ("ordering-account", 10, ("Ordering and your account", "Sipariş ve hesabınız", "Поръчки и вашият профил",
                              "Đặt hàng và tài khoản", "订购与账户")),
    ("delivery-tracking", 20, ("Delivery and tracking", "Teslimat ve takip", "Доставка и проследяване",
                               "Giao hàng và theo dõi", "配送与跟踪")),
    ("invoices-returns", 30, ("Invoices, payments and returns", "Faturalar, ödemeler ve iadeler",
                              "Фактури, плащания и връщания", "Hóa đơn, thanh toán và trả hàng", "发票、付款与退货")),
]

# slug, category, {language: (title, body)}
ARTICLES = [
    ("how-to-order", "ordering-account", {
        "en": ("How do I place an order?",
               "Add products to your cart from the catalog, or type SKUs and quantities on the Quick order page. "
               "At checkout choose the delivery address and the shipping method; the price, VAT and shipping charge "
               "are shown before you confirm.\n\nIf your company needs approval above a limit, the order waits for "
               "an approver, who gets an e-mail."),
        "tr": ("Nasıl sipariş veririm?",
               "Ürünleri katalogdan sepetinize ekleyin ya da Hızlı sipariş sayfasında stok kodlarını ve miktarları "
               "yazın. Ödeme adımında teslimat adresini ve sevkiyat yöntemini seçin; fiyat, KDV ve kargo ücreti "
               "onaylamadan önce gösterilir.\n\nŞirketiniz bir limitin üzerinde onay istiyorsa sipariş, e-posta alan "
               "bir onaylayıcıyı bekler."),
        "bg": ("Как да направя поръчка?",
               "Добавете продукти в количката от каталога или въведете кодове и количества на страницата "
               "„Бърза поръчка“. При завършване изберете адрес за доставка и начин на доставка; цената, ДДС и "
               "таксата за доставка се виждат преди потвърждение.\n\nАко вашата фирма изисква одобрение над даден "
               "лимит, поръчката чака одобряващ, който получава имейл."),
        "vi": ("Làm thế nào để đặt hàng?",
               "Thêm sản phẩm vào giỏ hàng từ danh mục, hoặc nhập mã SKU và số lượng ở trang Đặt hàng nhanh. Khi "
               "thanh toán, chọn địa chỉ giao hàng và phương thức vận chuyển; giá, thuế VAT và phí vận chuyển được "
               "hiển thị trước khi bạn xác nhận.\n\nNếu công ty bạn yêu cầu phê duyệt trên một hạn mức, đơn hàng sẽ "
               "chờ người phê duyệt, người này sẽ nhận được e-mail."),
        "zh_hans": ("如何下订单？",
                    "从产品目录将商品加入购物车，或在“快速订购”页面输入SKU和数量。结算时选择收货地址和配送方式；"
                    "确认前会显示价格、增值税和运费。\n\n如果贵公司规定超过某一限额需要审批，订单将等待审批人处理，"
                    "审批人会收到电子邮件。"),
    }),
    ("change-or-cancel-order", "ordering-account", {
        "en": ("Can I change or cancel an order?",
               "Open the order under Orders. While it has not been shipped you can lower quantities or cancel it "
               "there; the buttons say why when it is too late. Once a shipment has left, write to us from the "
               "order page with \"Report a problem\"."),
        "tr": ("Siparişimi değiştirebilir veya iptal edebilir miyim?",
               "Siparişi Siparişler altında açın. Sevk edilmediği sürece miktarları azaltabilir ya da iptal "
               "edebilirsiniz; çok geç olduğunda düğmeler nedenini söyler. Sevkiyat yola çıktıktan sonra sipariş "
               "sayfasındaki \"Sorun bildir\" ile bize yazın."),
        "bg": ("Мога ли да променя или отменя поръчка?",
               "Отворете поръчката в „Поръчки“. Докато не е изпратена, можете да намалите количествата или да я "
               "отмените; когато е твърде късно, бутоните казват защо. След като пратката е тръгнала, пишете ни "
               "от страницата на поръчката чрез „Докладвай проблем“."),
        "vi": ("Tôi có thể thay đổi hoặc hủy đơn hàng không?",
               "Mở đơn hàng trong mục Đơn hàng. Khi đơn chưa được gửi đi, bạn có thể giảm số lượng hoặc hủy đơn tại "
               "đó; nếu đã quá muộn, các nút sẽ cho biết lý do. Khi lô hàng đã rời kho, hãy viết cho chúng tôi từ "
               "trang đơn hàng bằng \"Báo cáo sự cố\"."),
        "zh_hans": ("我可以修改或取消订单吗？",
                    "在“订单”中打开该订单。订单发货前，您可以在那里减少数量或取消订单；如果为时已晚，按钮会说明原因。"
                    "货物发出后，请在订单页面通过“报告问题”联系我们。"),
    }),
    ("users-and-language", "ordering-account", {
        "en": ("How do I add a colleague or change my language?",
               "The owner of your company account adds users under My account → Users and gives each a role: "
               "buyer, approver, finance or viewer. Everyone chooses their own language at the top of the page; "
               "e-mails and PDFs follow the language saved on your account."),
        "tr": ("Nasıl iş arkadaşı eklerim veya dilimi değiştiririm?",
               "Şirket hesabınızın sahibi Hesabım → Kullanıcılar altında kullanıcı ekler ve her birine bir rol "
               "verir: satın alma, onaylayıcı, finans veya görüntüleyici. Herkes dilini sayfanın üstünden seçer; "
               "e-postalar ve PDF'ler hesabınızda kayıtlı dili kullanır."),
        "bg": ("Как да добавя колега или да сменя езика си?",
               "Собственикът на фирмения профил добавя потребители в „Моят профил → Потребители“ и дава на всеки "
               "роля: купувач, одобряващ, финанси или наблюдател. Всеки избира своя език в горната част на "
               "страницата; имейлите и PDF файловете следват езика, записан в профила ви."),
        "vi": ("Làm sao để thêm đồng nghiệp hoặc đổi ngôn ngữ?",
               "Chủ tài khoản công ty thêm người dùng trong Tài khoản của tôi → Người dùng và gán cho mỗi người một "
               "vai trò: người mua, người phê duyệt, tài chính hoặc người xem. Mỗi người tự chọn ngôn ngữ ở đầu "
               "trang; e-mail và tệp PDF dùng ngôn ngữ được lưu trong tài khoản của bạn."),
        "zh_hans": ("如何添加同事或更改语言？",
                    "公司账户的所有者在“我的账户 → 用户”中添加用户，并为每人分配角色：采购、审批人、财务或查看者。"
                    "每个人可在页面顶部选择自己的语言；电子邮件和PDF使用您账户中保存的语言。"),
    }),
    ("track-shipment", "delivery-tracking", {
        "en": ("Where is my shipment?",
               "Open Shipments, or the order itself: each shipment shows its status, the carrier and the tracking "
               "code of every parcel, linked to the carrier's tracking page (Yurtiçi, Aras or MNG Kargo). Goods on "
               "our own truck show the driver and the plate. You also get an e-mail when a shipment leaves and "
               "when it is delivered."),
        "tr": ("Sevkiyatım nerede?",
               "Sevkiyatlar sayfasını ya da siparişin kendisini açın: her sevkiyat durumunu, kargo firmasını ve her "
               "kolinin takip kodunu gösterir; takip kodu kargo firmasının takip sayfasına bağlanır (Yurtiçi, Aras "
               "veya MNG Kargo). Kendi aracımızla gelen mallarda sürücü ve plaka görünür. Sevkiyat yola çıktığında ve "
               "teslim edildiğinde e-posta da alırsınız."),
        "bg": ("Къде е моята пратка?",
               "Отворете „Пратки“ или самата поръчка: всяка пратка показва статуса си, превозвача и кода за "
               "проследяване на всеки колет, свързан със страницата за проследяване на превозвача (Yurtiçi, Aras "
               "или MNG Kargo). При доставка с наш камион се виждат шофьорът и номерът. Получавате и имейл, когато "
               "пратката тръгне и когато бъде доставена."),
        "vi": ("Lô hàng của tôi đang ở đâu?",
               "Mở trang Lô hàng hoặc chính đơn hàng: mỗi lô hàng hiển thị trạng thái, hãng vận chuyển và mã theo "
               "dõi của từng kiện, liên kết tới trang theo dõi của hãng (Yurtiçi, Aras hoặc MNG Kargo). Hàng đi bằng "
               "xe tải của chúng tôi sẽ hiển thị tài xế và biển số. Bạn cũng nhận e-mail khi lô hàng rời kho và khi "
               "được giao."),
        "zh_hans": ("我的货物在哪里？",
                    "打开“发货”页面或订单本身：每批货物都会显示状态、承运商以及每个包裹的跟踪号，并链接到承运商的"
                    "跟踪页面（Yurtiçi、Aras或MNG Kargo）。由我们自有卡车运送的货物会显示司机和车牌。货物发出和"
                    "送达时您也会收到电子邮件。"),
    }),
    ("damaged-or-missing", "delivery-tracking", {
        "en": ("The delivery arrived damaged or incomplete. What do I do?",
               "Note the damage on the carrier's delivery slip if you can. Then open the shipment and choose "
               "\"Received with problems\": mark the lines that are damaged, missing or wrong, with the quantity, "
               "and add photos. A support ticket opens by itself with these details, so you do not need to call."),
        "tr": ("Teslimat hasarlı veya eksik geldi. Ne yapmalıyım?",
               "Mümkünse hasarı kargo firmasının teslim belgesine yazdırın. Ardından sevkiyatı açıp \"Sorunlu teslim "
               "alındı\"yı seçin: hasarlı, eksik veya yanlış gelen satırları miktarıyla işaretleyin ve fotoğraf "
               "ekleyin. Bu bilgilerle kendiliğinden bir destek talebi açılır; aramanıza gerek kalmaz."),
        "bg": ("Доставката пристигна повредена или непълна. Какво да направя?",
               "Ако можете, отбележете повредата в документа за доставка на превозвача. След това отворете "
               "пратката и изберете „Получена с проблеми“: отбележете повредените, липсващите или грешните редове "
               "с количеството и добавете снимки. С тези данни автоматично се отваря заявка за поддръжка, така че "
               "не е нужно да се обаждате."),
        "vi": ("Hàng giao đến bị hỏng hoặc thiếu. Tôi phải làm gì?",
               "Nếu có thể, hãy ghi chú hư hỏng vào phiếu giao hàng của hãng vận chuyển. Sau đó mở lô hàng và chọn "
               "\"Đã nhận nhưng có vấn đề\": đánh dấu các dòng bị hỏng, thiếu hoặc sai cùng số lượng, và thêm ảnh. "
               "Một yêu cầu hỗ trợ sẽ tự động được mở với các thông tin này, bạn không cần gọi điện."),
        "zh_hans": ("货物到达时损坏或不全，我该怎么办？",
                    "如有可能，请在承运商的签收单上注明损坏情况。然后打开该批货物，选择“收到但有问题”：标出损坏、"
                    "缺少或发错的行及数量，并添加照片。系统会根据这些信息自动创建支持工单，您无需打电话。"),
    }),
    ("invoice-copy", "invoices-returns", {
        "en": ("Where do I find my invoices?",
               "Every invoice is under Invoices, with its PDF, the amount still open and its due date; you can "
               "also download a statement of your account. Each shipment is invoiced when it leaves, so an order "
               "shipped in parts has one invoice per shipment."),
        "tr": ("Faturalarımı nerede bulurum?",
               "Her fatura, PDF'i, açık kalan tutarı ve vade tarihiyle Faturalar altındadır; hesap ekstrenizi de "
               "indirebilirsiniz. Her sevkiyat yola çıktığında faturalanır; parça parça sevk edilen bir siparişin "
               "her sevkiyat için bir faturası olur."),
        "bg": ("Къде да намеря фактурите си?",
               "Всяка фактура е в „Фактури“, с PDF файла си, неплатената сума и падежа; можете да изтеглите и "
               "извлечение по сметката си. Всяка пратка се фактурира при тръгване, така че поръчка, изпратена на "
               "части, има по една фактура за всяка пратка."),
        "vi": ("Tôi tìm hóa đơn ở đâu?",
               "Mọi hóa đơn đều nằm trong mục Hóa đơn, kèm tệp PDF, số tiền còn nợ và ngày đến hạn; bạn cũng có "
               "thể tải sao kê tài khoản. Mỗi lô hàng được xuất hóa đơn khi rời kho, nên đơn hàng giao nhiều lần sẽ "
               "có một hóa đơn cho mỗi lô."),
        "zh_hans": ("在哪里可以找到我的发票？",
                    "所有发票都在“发票”中，附有PDF、未付金额和到期日；您也可以下载对账单。每批货物发出时开具发票，"
                    "因此分批发货的订单每批货物各有一张发票。"),
    }),
    ("payment-and-credit", "invoices-returns", {
        "en": ("How do I pay, and what is my credit limit?",
               "Pay by bank transfer (EFT/wire) with the invoice number in the description, or by card at checkout "
               "when your account allows it. My account shows your credit limit, what is open and what is overdue. "
               "An order above the available credit waits until a payment arrives; overdue invoices may put the "
               "account on hold."),
        "tr": ("Nasıl ödeme yaparım ve kredi limitim nedir?",
               "Açıklamaya fatura numarasını yazarak havale/EFT ile ya da hesabınız izin veriyorsa ödeme adımında "
               "kartla ödeyin. Hesabım sayfası kredi limitinizi, açık ve vadesi geçmiş tutarları gösterir. "
               "Kullanılabilir krediyi aşan bir sipariş ödeme gelene kadar bekler; vadesi geçmiş faturalar hesabın "
               "durdurulmasına yol açabilir."),
        "bg": ("Как да платя и какъв е кредитният ми лимит?",
               "Платете с банков превод, като посочите номера на фактурата в основанието, или с карта при "
               "завършване, ако профилът ви го позволява. „Моят профил“ показва кредитния лимит, неплатените и "
               "просрочените суми. Поръчка над наличния кредит чака, докато пристигне плащане; просрочени фактури "
               "могат да блокират профила."),
        "vi": ("Tôi thanh toán thế nào và hạn mức tín dụng của tôi là bao nhiêu?",
               "Thanh toán bằng chuyển khoản ngân hàng, ghi số hóa đơn trong nội dung, hoặc bằng thẻ khi thanh toán "
               "nếu tài khoản cho phép. Trang Tài khoản của tôi hiển thị hạn mức tín dụng, số tiền còn nợ và quá "
               "hạn. Đơn hàng vượt quá tín dụng khả dụng sẽ chờ đến khi nhận được thanh toán; hóa đơn quá hạn có "
               "thể khiến tài khoản bị tạm khóa."),
        "zh_hans": ("如何付款？我的信用额度是多少？",
                    "请通过银行转账付款，并在附言中注明发票号；如果您的账户允许，也可在结算时刷卡支付。“我的账户”"
                    "显示信用额度、未付和逾期金额。超出可用额度的订单会等到收到付款后再处理；逾期发票可能导致账户"
                    "被暂停。"),
    }),
    ("return-goods", "invoices-returns", {
        "en": ("How do I return goods?",
               "Open the delivered order and choose Return on the line: say how many and why, and add photos for "
               "damaged goods. Once we accept it you get return instructions; when the goods come back, a credit "
               "note is issued against the invoice."),
        "tr": ("Ürünleri nasıl iade ederim?",
               "Teslim edilen siparişi açın ve satırda İade'yi seçin: kaç adet ve neden olduğunu yazın, hasarlı "
               "ürünler için fotoğraf ekleyin. İadeyi kabul ettiğimizde iade talimatlarını alırsınız; ürünler geri "
               "geldiğinde faturaya karşı bir iade faturası (alacak dekontu) düzenlenir."),
        "bg": ("Как да върна стоки?",
               "Отворете доставената поръчка и изберете „Връщане“ на реда: посочете колко и защо и добавете снимки "
               "при повредени стоки. След като приемем връщането, получавате инструкции; когато стоките се върнат, "
               "се издава кредитно известие към фактурата."),
        "vi": ("Tôi trả hàng như thế nào?",
               "Mở đơn hàng đã giao và chọn Trả hàng ở dòng sản phẩm: cho biết số lượng và lý do, thêm ảnh nếu hàng "
               "bị hỏng. Khi chúng tôi chấp nhận, bạn sẽ nhận hướng dẫn trả hàng; khi hàng được gửi về, một giấy báo "
               "có sẽ được lập cho hóa đơn."),
        "zh_hans": ("如何退货？",
                    "打开已送达的订单，在相应行选择“退货”：填写数量和原因，商品损坏时请添加照片。我们接受后您会收到"
                    "退货说明；货物退回后，将针对该发票开具贷项通知单。"),
    }),
]


def load_faq() -> None:
    with transaction.atomic():
        categories = {}
        for slug, position, names in CATEGORIES:
            categories[slug], _created = ArticleCategory.objects.get_or_create(slug=slug, defaults={
                "position": position, **{f"name_{lang}": name for lang, name in zip(LANGS, names, strict=True)}})
        for slug, category, texts in ARTICLES:
            fields = {"category": categories[category], "status": ArticleStatus.PUBLISHED}
            for lang, (title, body) in texts.items():
                fields[f"title_{lang}"], fields[f"body_{lang}"] = title, body
            Article.objects.get_or_create(slug=slug, defaults=fields)


def load():
    """Support's demo data; returns the logins of the support agents and their team lead."""
    load_faq()
    return load_support()


# --- the support team and tickets in every state (H-API) -------------------------------------------------------------

log = logging.getLogger(__name__)

# e-mail, first name, last name, language, team lead
AGENTS = [
    ("support.lead@example.com", "Selin", "Aydın", "tr", True),
    ("support.emre@example.com", "Emre", "Kaya", "tr", False),
    ("support.maria@example.com", "Maria", "Ivanova", "bg", False),
]
# name, categories, members (e-mails); every team is led by the team lead
TEAMS = [
    ("Orders & delivery", ["order", "delivery", "return"], ["support.emre@example.com"]),
    ("Invoices & payments", ["invoice", "account"], ["support.maria@example.com"]),
    ("Products & technical", ["product", "other"], ["support.emre@example.com", "support.maria@example.com"]),
]
TIERS = {"KAYA36": "gold", "ANKR34": "key_account"}


def _agent(email, first, last, language):
    from dealers.models import User
    from portal.demo import DEMO_PASSWORD

    user, created = User.objects.get_or_create(email=email, defaults={
        "first_name": first, "last_name": last, "is_staff": True, "language": language})
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    return user


def load_support() -> list:
    from django.contrib.auth.models import Group

    from dealers.models import Dealer
    from portal.demo import DEMO_PASSWORD

    from .models import Team
    from .permissions import SUPPORT_AGENTS_GROUP

    logins = []
    with transaction.atomic():
        group, _created = Group.objects.get_or_create(name=SUPPORT_AGENTS_GROUP)
        agents = {}
        for email, first, last, language, lead in AGENTS:
            agents[email] = _agent(email, first, last, language)
            agents[email].groups.add(group)
            logins.append(("support team lead" if lead else "support agent", email, DEMO_PASSWORD, ""))
        lead = agents[AGENTS[0][0]]
        for name, categories, members in TEAMS:
            team, _created = Team.objects.get_or_create(name=name, defaults={"categories": categories, "lead": lead})
            team.members.add(*[agents[email] for email in members])
        for code, tier in TIERS.items():
            dealer = Dealer.objects.filter(code=code).first()
            if dealer is not None and dealer.tier == "standard":
                dealer.tier = tier
                dealer.save(update_fields=["tier"])  # the SLA clocks of its open tickets follow
    load_tickets(agents=list(agents.values()))
    load_channel_tickets(agents=list(agents.values()))
    load_channel_extras(agents=list(agents.values()))
    return logins


def _dealer_user(code, role):
    from dealers.models import Dealer, User

    dealer = Dealer.objects.filter(code=code, status=Dealer.Status.APPROVED).first()
    user = dealer and User.objects.filter(dealer=dealer, role=role, is_active=True).order_by("pk").first()
    return dealer, user


# Every ticket: (dealer code, role of its opener, days ago it was opened, category, urgency, subject, body, link,
# steps). A link: "order", "invoice" or "shipment" (the dealer's first one, when it has one). A step: (hours after the
# opening, what, text): "note", "assign" (text: the agent's e-mail), "wait" / "resolve" / "answer" (a staff reply that
# waits on the dealer, resolves, or only answers), "dealer" (the dealer's reply), "close" (by the dealer), "rate"
# (text: "<rating> <comment>"), "merge" (into the ticket of the subject in text).
LEAD, EMRE, MARIA = (a[0] for a in AGENTS)
TICKETS = [
    ("KAYA36", "owner", 0.05, "product", "normal", "LED panel flickers after an hour",
     "Two of the 60x60 panels we fitted last week flicker after about an hour. The driver gets warm.", None, []),
    ("KAYA36", "buyer", 2, "order", "high", "Two boxes missing from my order",
     "We received the order but two boxes of cable ties are not in it.", "order", [
         (1, "assign", EMRE),
         (1.5, "note", "Checked with the warehouse: the second shipment is still being prepared."),
         (2, "wait", "The rest ships tomorrow with MNG Kargo. Do you need it sooner?"),
         (20, "dealer", "Yes, please send it by Express if you can; a site needs it on Friday."),
     ]),
    ("KAYA36", "finance", 1, "invoice", "normal", "Our payment is not shown on the invoice",
     "We paid the invoice by bank transfer on Monday but it is still shown as open.", "invoice", [
         (2, "assign", MARIA),
         (2.5, "note", "No transfer with this reference in the bank statement yet; ask for the receipt."),
         (3, "wait", "Could you send us the bank receipt (dekont) of the transfer? We will match it at once."),
     ]),
    ("KAYA36", "owner", 5, "delivery", "high", "Carton damaged on arrival",
     "One carton of the shipment arrived crushed; three panels are cracked. Photos follow.", "shipment", [
         (1, "assign", EMRE),
         (1.2, "note", "Good customer, gold tier: replace without asking for the goods back."),
         (3, "resolve", "Sorry about that. We are sending three replacement panels free of charge with your next "
                        "delivery; there is no need to return the cracked ones."),
         (30, "rate", "5 Quick and friendly, thank you."),
     ]),
    ("KAYA36", "approver", 8, "account", "low", "How do I add a second approver?",
     "Our purchasing manager should approve orders as well. How can we add her?", None, [
         (4, "assign", MARIA),
         (5, "resolve", "Your company's owner adds users under Company → Users and chooses the approver role; she "
                        "gets an invitation by e-mail."),
         (26, "close", ""),
     ]),
    ("ANKR34", "owner", 12, "product", "high", "Cable reel: insulation cracks in the cold",
     "The insulation of the NYM cable on two reels cracks when we lay it outdoors in the morning.", None, []),
    ("ANKR34", "owner", 3, "invoice", "normal", "Copy of last month's invoices",
     "Please send us copies of last month's invoices for our accountant.", "invoice", [
         (1, "assign", MARIA),
         (2, "answer", "Of course: you can download each invoice as a PDF under Invoices. Shall we send a "
                       "statement as well?"),
     ]),
    ("ANKR34", "owner", 2.5, "invoice", "normal", "Copy of last month's invoices (again)",
     "Writing again: we need the copies of last month's invoices.", None, [
         (1, "note", "Duplicate of the ticket about last month's invoices."),
         (1.5, "merge", "Copy of last month's invoices"),
     ]),
]


def load_tickets(*, agents=()) -> None:
    """The demo dealers' tickets (TICKETS); a ticket that cannot be made (no such dealer or user) is left out."""
    from portal.errors import DomainError

    from .models import Ticket

    by_email = {agent.email: agent for agent in agents}
    for plan in sorted(TICKETS, key=lambda plan: -plan[2]):  # numbered in the order they were opened
        code, role, _days, _category, _urgency, subject = plan[:6]
        dealer, user = _dealer_user(code, role)
        if user is None or not by_email or Ticket.objects.filter(dealer=dealer, subject=subject).exists():
            continue
        try:
            with transaction.atomic():
                _make_ticket(dealer, user, by_email, *plan[2:])
        except DomainError as exc:
            log.warning("Demo tickets: %s of %s left out: %s", subject, code, exc.message)


def _link(dealer, link) -> dict:
    from orders.models import Order
    from payments.models import Invoice
    from shipping.models import Shipment

    if link == "order":
        row = Order.objects.filter(dealer=dealer).order_by("pk").first()
    elif link == "invoice":
        row = Invoice.objects.filter(dealer=dealer).order_by("pk").first()
    elif link == "shipment":
        row = (Shipment.objects.filter(dealer=dealer, status="delivered").order_by("pk").first()
               or Shipment.objects.filter(dealer=dealer).order_by("pk").first())
    else:
        row = None
    return {link: row.number} if row is not None else {}


def _make_ticket(dealer, user, agents, days, category, urgency, subject, body, link, steps):
    from portal.actors import Actor

    from . import services
    from .models import Ticket
    from .services import clocks

    actor = Actor(user=user, dealer=dealer)
    opened = timezone.now() - timedelta(days=days)
    lead = agents[LEAD]
    ticket = _at(opened, lambda: services.open_ticket(
        actor=actor, subject=subject, body=body, category=category, urgency=urgency, links=_link(dealer, link)))
    for hours, what, text in steps:
        moment = opened + timedelta(hours=hours)
        ticket = Ticket.objects.get(pk=ticket.pk)
        agent = ticket.assignee or lead
        if what == "assign":
            _at(moment, lambda t=ticket, a=agents[text]: services.assign(actor=lead, ticket=t, assignee=a,
                                                                          team=t.team))
        elif what == "note":
            _at(moment, lambda t=ticket, a=agent, x=text: services.add_note(actor=a, ticket=t, body=x))
        elif what in ("wait", "resolve", "answer"):
            then = {"wait": "waiting_on_dealer", "resolve": "resolved", "answer": None}[what]
            _at(moment, lambda t=ticket, a=agent, x=text, n=then: services.staff_reply(actor=a, ticket=t, body=x,
                                                                                        then=n))
        elif what == "dealer":
            _at(moment, lambda t=ticket, x=text: services.reply(actor=actor, ticket=t, body=x))
        elif what == "close":
            _at(moment, lambda t=ticket: services.close_ticket(actor=actor, ticket=t))
        elif what == "rate":
            rating, comment = text.split(" ", 1)
            _at(moment, lambda t=ticket, r=int(rating), c=comment: services.rate_ticket(actor=actor, ticket=t,
                                                                                       rating=r, comment=c))
        elif what == "merge":
            into = Ticket.objects.get(dealer=dealer, subject=text)
            _at(moment, lambda t=ticket, i=into, a=agent: services.merge(actor=a, ticket=t, into=i))
    for row in Ticket.objects.filter(dealer=dealer, status__in=["new", "open", "waiting_on_dealer"]):
        clocks.recompute_due(ticket=row)  # from its opening, now back-dated: a ticket opened 12 days ago is late


# What a step writes as "now", dated at the plan's moment instead (the services write the present).
TICKET_TIMES = ("created_at", "first_responded_at", "resolved_at", "closed_at", "paused_at", "last_dealer_reply_at",
                "satisfaction_asked_at")


def _at(moment, step):
    """Run `step` and date at `moment` what it wrote: tickets' times, messages, status history, ratings."""
    from django.db.models import Q

    from .models import Message, Satisfaction, Ticket, TicketStatusChange

    mark = timezone.now()
    result = step()
    for field in TICKET_TIMES:
        Ticket.objects.filter(**{f"{field}__gte": mark}).update(**{field: moment})
    Ticket.objects.filter(Q(created_at__gte=mark) | Q(updated_at__gte=mark)).update(updated_at=moment)
    Message.objects.filter(created_at__gte=mark).update(created_at=moment)
    TicketStatusChange.objects.filter(created_at__gte=mark).update(created_at=moment)
    Satisfaction.objects.filter(rated_at__gte=mark).update(rated_at=moment)
    return result


# --- tickets of the other channels (issue 16, H6): a mail and phone calls ------------------------------------------

MAIL_SUBJECT = "Price list for next quarter"
PHONE_SUBJECT = "Delivery address change by phone"


def load_channel_tickets(*, agents=()) -> None:
    """A ticket that came by mail (answered by mail), and one opened from a phone call with a second, outgoing call
    (the agent's notes staff-only), so the desk shows those channels; through the services, dated in the past."""
    from portal.actors import Actor
    from portal.errors import DomainError

    from . import services
    from .models import Ticket, TicketSource
    from .services import calls

    by_email = {agent.email: agent for agent in agents}
    if EMRE not in by_email:
        return
    emre = by_email[EMRE]
    dealer, user = _dealer_user("KAYA36", "owner")
    if user is not None and not Ticket.objects.filter(dealer=dealer, subject=MAIL_SUBJECT).exists():
        opened = timezone.now() - timedelta(days=1, hours=3)
        try:
            with transaction.atomic():
                ticket = _at(opened, lambda: services.open_ticket(
                    actor=Actor(user=user, dealer=dealer), subject=MAIL_SUBJECT, category="order",
                    body="Good morning, could you send us the price list for the next quarter? Regards, Kaya "
                         "Elektrik", source=TicketSource.MAIL))
                _at(opened + timedelta(hours=2), lambda: services.staff_reply(
                    actor=emre, ticket=ticket, then="resolved",
                    body="Good morning, the new price list is in the portal under Catalog from the first of the "
                         "month; your prices are shown when you sign in."))
        except DomainError as exc:
            log.warning("Demo tickets: %s left out: %s", MAIL_SUBJECT, exc.message)
    dealer, user = _dealer_user("ANKR34", "owner")
    if user is not None and not Ticket.objects.filter(dealer=dealer, subject=PHONE_SUBJECT).exists():
        opened = timezone.now() - timedelta(hours=26)
        try:
            with transaction.atomic():
                ticket = _at(opened, lambda: calls.open_ticket_from_call(
                    actor=emre, dealer=dealer, caller=user, subject=PHONE_SUBJECT, category="delivery",
                    priority="normal", direction="inbound", started_at=opened, duration_seconds=240,
                    notes="Wants this week's delivery at the new site in Sincan; will send the address by mail.",
                    phone_number=user.phone, assignee=emre))
                called = opened + timedelta(hours=3)
                _at(called, lambda: calls.log_call(
                    actor=emre, ticket=Ticket.objects.get(pk=ticket.pk), direction="outbound", started_at=called,
                    duration_seconds=120, phone_number=user.phone,
                    notes="Confirmed the Sincan address with the site manager; told the warehouse."))
        except DomainError as exc:
            log.warning("Demo tickets: %s left out: %s", PHONE_SUBJECT, exc.message)


# --- the other channels in the desk (issue 16, H8): quarantine, mail threading, WhatsApp, live chat ----------------
#
# Everything goes through the services the real channels use: mail through `mail_intake.take` (what the IMAP poller
# calls), WhatsApp through `whatsapp.receive` (what the webhook calls after the signature check: messages and
# receipts), the live chat through `chat.start_chat` / `accept` / `post_message` / `end_chat`. Each item is keyed by a
# fixed Message-ID, wamid or first line, so loading again creates nothing.

DEMO_MAILBOX = "demo"
STRANGER_MESSAGE_ID = "<demo-stranger-0001@arslan-yapi.example.com>"
MAIL_REPLY_MESSAGE_ID = "<demo-mail-reply-0001@ankara.example.com>"
AUTO_REPLY_MESSAGE_ID = "<demo-auto-reply-0001@kaya.example.com>"
WHATSAPP_USER = ("KAYA36", "buyer")
WHATSAPP_PHONE = "+90 532 000 00 36"
WHATSAPP_STRANGER = "905330000099"
WHATSAPP_STRANGER_WAMID = "wamid.HBgMOTA1MzMwMDAwMDk5FQIAEhgWREVNTy1RVUFSQU5USU5FLTAwMDEA"
WHATSAPP_INBOUND_WAMID = "wamid.HBgMOTA1MzIwMDAwMDM2FQIAEhgWREVNTy1JTkJPVU5ELTAwMDEA"
WHATSAPP_REPLY_WAMID = "wamid.HBgMOTA1MzIwMDAwMDM2FQIAERgWREVNTy1SRVBMWS0wMDAxAA=="
WHATSAPP_TEXT = ("Hello, the tracking code of our last shipment does not work on the MNG Kargo site. "
                 "Can you check it?")
WHATSAPP_REPLY = ("Hello! MNG Kargo shows a new code a few hours after pickup. Your parcels are on the way and "
                  "arrive tomorrow; the tracking link on the shipment page works now.")
CHAT_USER = ("KAYA36", "approver")
# (from staff?, text): the dealer's first line starts the chat.
CHAT_LINES = [
    (False, "Hello, do you have the 60x60 LED panel 40 W in stock? We need 120 pieces this week."),
    (True, "Hello! Yes, 340 pieces are in stock in our Istanbul warehouse."),
    (False, "Great. Can they reach our Ümraniye shop by Thursday?"),
    (True, "If you order before 15:00 today they leave tomorrow with MNG Kargo and arrive on Thursday."),
    (False, "Perfect, I am placing the order now. Thank you!"),
    (True, "You are welcome. Have a good day!"),
]


def _dated(moment, step):
    """`_at`, and also date what the channels wrote: inbound messages and chat sessions."""
    from .models import ChatSession, InboundMessage

    mark = timezone.now()
    result = _at(moment, step)
    InboundMessage.objects.filter(received_at__gte=mark).update(received_at=moment)
    InboundMessage.objects.filter(handled_at__gte=mark).update(handled_at=moment)
    for field in ("started_at", "accepted_at", "ended_at", "last_activity_at"):
        ChatSession.objects.filter(**{f"{field}__gte": mark}).update(**{field: moment})
    return result


def load_channel_extras(*, agents=()) -> None:
    """Two held messages in quarantine (a stranger's mail, a WhatsApp message from an unknown number), a dealer's mail
    reply threaded onto its ticket by In-Reply-To (its quoted history kept as the full text), an auto-reply ignored,
    a WhatsApp conversation with its receipts and a finished live chat. A part that cannot be made is left out."""
    from portal.errors import DomainError

    by_email = {agent.email: agent for agent in agents}
    if EMRE not in by_email:
        return
    emre = by_email[EMRE]
    for part in (_demo_quarantine, _demo_mail_reply, _demo_auto_reply, _demo_whatsapp, _demo_chat):
        try:
            with transaction.atomic():
                part(emre)
        except DomainError as exc:
            log.warning("Demo channels: %s left out: %s", part.__name__, exc.message)


def _mail(*, sender, to, subject, body, message_id, moment, headers=()) -> bytes:
    """A raw RFC 5322 mail, as a mailbox would hold it."""
    from email.message import EmailMessage
    from email.policy import SMTP
    from email.utils import format_datetime

    msg = EmailMessage(policy=SMTP)
    msg["From"], msg["To"], msg["Subject"] = sender, to, subject
    msg["Date"], msg["Message-ID"] = format_datetime(moment), message_id
    for name, value in headers:
        msg[name] = value
    msg.set_content(body)
    return msg.as_bytes()


def _support_address() -> str:
    from .services.tickets import reply_domain

    return f"support@{reply_domain()}"


def _whatsapp_call(value) -> dict:
    """A webhook call as WhatsApp's Cloud API sends it, with `value` (messages or statuses)."""
    return {"object": "whatsapp_business_account", "entry": [{"id": "0", "changes": [{"field": "messages", "value": {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "902125550000", "phone_number_id": "0"}, **value}}]}]}


def _whatsapp_message(*, number, name, wamid, text, moment) -> dict:
    return _whatsapp_call({
        "contacts": [{"profile": {"name": name}, "wa_id": number}],
        "messages": [{"from": number, "id": wamid, "timestamp": str(int(moment.timestamp())), "type": "text",
                      "text": {"body": text}}]})


def _demo_quarantine(emre) -> None:
    """A mail from a stranger and a WhatsApp message from an unknown number: both wait in quarantine."""
    from .models import InboundMessage, TicketSource
    from .services import mail_intake, whatsapp

    if not InboundMessage.objects.filter(channel=TicketSource.MAIL, external_id=STRANGER_MESSAGE_ID).exists():
        moment = timezone.now() - timedelta(hours=3)
        raw = _mail(sender="Deniz Arslan <deniz.arslan@arslan-yapi.example.com>", to=_support_address(),
                    subject="Becoming a dealer: LED lighting for our three shops", message_id=STRANGER_MESSAGE_ID,
                    moment=moment,
                    body="Hello,\n\nwe run three building supply shops in Bursa and would like to sell your LED "
                         "panels and cables. How do we become a dealer, and what are your payment terms?\n\n"
                         "Kind regards,\nDeniz Arslan\nArslan Yapı Market")
        _dated(moment, lambda: mail_intake.take(raw, mailbox=DEMO_MAILBOX, uidvalidity=None, uid=None))
    if not InboundMessage.objects.filter(channel=TicketSource.WHATSAPP, external_id=WHATSAPP_STRANGER_WAMID).exists():
        moment = timezone.now() - timedelta(hours=2)
        call = _whatsapp_message(number=WHATSAPP_STRANGER, name="Murat Yıldız", wamid=WHATSAPP_STRANGER_WAMID,
                                 moment=moment, text="Hi, I am the new buyer at Kaya Elektrik. Can I order cable "
                                                     "reels by WhatsApp?")
        _dated(moment, lambda: whatsapp.receive(call))


def _staff_mail(subject, code):
    """The first staff reply of the demo ticket `subject` of dealer `code` that was mailed (its Message-ID)."""
    from .models import Message, MessageKind, Ticket

    ticket = Ticket.objects.filter(dealer__code=code, subject=subject).first()
    return ticket and (Message.objects.filter(ticket=ticket, from_staff=True, kind=MessageKind.REPLY)
                       .exclude(message_id="").order_by("pk").first())


def _demo_mail_reply(emre) -> None:
    """The dealer answers staff's mail with their mail program's Reply: it lands on the ticket by its In-Reply-To,
    shown without the quoted history, which stays in the message's full text."""
    from .models import InboundMessage, TicketSource
    from .services import mail_intake

    if InboundMessage.objects.filter(channel=TicketSource.MAIL, external_id=MAIL_REPLY_MESSAGE_ID).exists():
        return
    staff = _staff_mail("Copy of last month's invoices", "ANKR34")
    _dealer, user = _dealer_user("ANKR34", "owner")
    if staff is None or user is None:
        return
    from .services.tickets import reply_address

    moment = min(staff.created_at + timedelta(hours=20), timezone.now() - timedelta(hours=1))
    agent = staff.author.get_full_name() if staff.author else "Support"
    quoted = "\n".join(f"> {line}" for line in staff.body.splitlines())
    raw = _mail(sender=f"{user.get_full_name()} <{user.email}>", to=reply_address(staff.ticket),
                subject=f"Re: [{staff.ticket.number}] {staff.ticket.subject}", message_id=MAIL_REPLY_MESSAGE_ID,
                moment=moment, headers=[("In-Reply-To", staff.message_id), ("References", staff.message_id)],
                body="Yes please, send us the statement for last month as well: our accountant needs it by "
                     f"Friday.\n\n-- \n{user.get_full_name()}\n\n"
                     f"On {timezone.localtime(staff.created_at):%d.%m.%Y %H:%M}, {agent} wrote:\n{quoted}\n")
    _dated(moment, lambda: mail_intake.take(raw, mailbox=DEMO_MAILBOX, uidvalidity=None, uid=None))


def _demo_auto_reply(emre) -> None:
    """An out-of-office answer to staff's mail: ignored (on no ticket), listed in the admin's inbound messages."""
    from .models import InboundMessage, TicketSource
    from .services import mail_intake

    if InboundMessage.objects.filter(channel=TicketSource.MAIL, external_id=AUTO_REPLY_MESSAGE_ID).exists():
        return
    staff = _staff_mail("Our payment is not shown on the invoice", "KAYA36")
    _dealer, user = _dealer_user("KAYA36", "finance")
    if staff is None or user is None:
        return
    moment = staff.created_at + timedelta(minutes=1)
    raw = _mail(sender=f"{user.get_full_name()} <{user.email}>", to=_support_address(),
                subject=f"Automatic reply: [{staff.ticket.number}] {staff.ticket.subject}",
                message_id=AUTO_REPLY_MESSAGE_ID, moment=moment,
                headers=[("In-Reply-To", staff.message_id), ("Auto-Submitted", "auto-replied"),
                         ("X-Autoreply", "yes")],
                body="I am out of the office until Monday and read no mail. For urgent matters please call our "
                     "office on +90 212 555 10 00.")
    _dated(moment, lambda: mail_intake.take(raw, mailbox=DEMO_MAILBOX, uidvalidity=None, uid=None))


class DemoWhatsAppClient:
    """Stands in for WhatsApp's Cloud API while the demo sends its one reply (the demo has no WhatsApp account and
    must never reach a real number): it accepts the text and answers with the demo reply's fixed wamid."""

    def send_text(self, to_e164, body) -> str:
        return WHATSAPP_REPLY_WAMID

    def download_media(self, media_id):
        from .channels.whatsapp_client import WhatsAppError

        raise WhatsAppError("The demo has no WhatsApp account.", retryable=False)


def _demo_whatsapp(emre) -> None:
    """A KAYA36 buyer with a WhatsApp number writes (the webhook's `receive`: a new WhatsApp ticket); Emre answers on
    the desk and the reply goes the way a real one does: `desk.staff_reply` hands it to the WhatsApp adapter (the
    channel is switched on for that moment with DemoWhatsAppClient as its provider, so `can_reach` holds and the
    reply is "Sending"), the send task's body (`whatsapp.send_message`) runs at once with that client (its wamid
    stored, "Sent"; the task queued on commit finds it sent and does nothing), and WhatsApp's receipts come in
    through `receive` like a webhook call: delivered, then read."""
    from django.test.utils import override_settings

    from dealers.models import User
    from dealers.phones import to_e164

    from . import services
    from .models import Message, Ticket, TicketSource
    from .services import whatsapp

    if Message.objects.filter(via=TicketSource.WHATSAPP, external_id=WHATSAPP_INBOUND_WAMID).exists():
        return
    _dealer, user = _dealer_user(*WHATSAPP_USER)
    if user is None:
        return
    phone = user.phone_e164 or to_e164(WHATSAPP_PHONE)  # a number staff gave the user stays
    if User.objects.filter(phone_e164=phone).exclude(pk=user.pk).exists():
        return  # WhatsApp would find two users: the message would be held
    if not user.phone_e164:
        user.phone = WHATSAPP_PHONE
        user.save(update_fields=["phone"])
    opened = timezone.now() - timedelta(hours=5)
    number = phone.lstrip("+")
    call = _whatsapp_message(number=number, name=user.get_full_name(), wamid=WHATSAPP_INBOUND_WAMID,
                             text=WHATSAPP_TEXT, moment=opened)
    _dated(opened, lambda: whatsapp.receive(call))
    inbound = Message.objects.filter(via=TicketSource.WHATSAPP, external_id=WHATSAPP_INBOUND_WAMID).first()
    if inbound is None:  # held or not handled: nothing to answer
        return
    ticket = inbound.ticket
    _at(opened + timedelta(minutes=10), lambda: services.assign(actor=emre, ticket=ticket, assignee=emre,
                                                                team=ticket.team))
    replied = opened + timedelta(minutes=25)
    on = {"WHATSAPP_APP_SECRET": "demo", "WHATSAPP_VERIFY_TOKEN": "demo", "WHATSAPP_ACCESS_TOKEN": "demo",
          "WHATSAPP_PHONE_NUMBER_ID": "demo", "WHATSAPP_CLIENT": "support.demo.DemoWhatsAppClient"}

    def reply():
        with override_settings(**on):
            message = services.staff_reply(actor=emre, ticket=Ticket.objects.get(pk=ticket.pk), body=WHATSAPP_REPLY)
            whatsapp.send_message(message_id=message.pk)
        return message

    message = _at(replied, reply)
    Message.objects.filter(pk=message.pk).update(delivery_status_at=replied)
    for status, after in (("delivered", timedelta(seconds=20)), ("read", timedelta(minutes=7))):
        whatsapp.receive(_whatsapp_call({"statuses": [{
            "id": WHATSAPP_REPLY_WAMID, "status": status, "timestamp": str(int((replied + after).timestamp())),
            "recipient_id": number}]}))


def _business_moment():
    """A moment in the desk's business hours on an earlier working day (None without working hours)."""
    from .services import clocks

    cal = clocks.calendar()
    day = cal.local_day(timezone.now())
    for back in range(1, 15):
        spans = cal.intervals(day - timedelta(days=back))
        if spans:
            start, end = spans[0]
            return start + min(timedelta(hours=2), (end - start) / 2)
    return None


def _demo_chat(emre) -> None:
    """A KAYA36 approver's live chat with Emre, earlier in business hours: started, accepted, six lines, ended by
    Emre and resolved. A chat starts only while an agent is on duty, so Emre is on duty for the chat's transaction
    only (nobody else sees it) and `start_chat` is given the chat's own moment (its `now`): the service's rules stay
    as they are. No agent is left on duty and no chat left waiting."""
    from portal.actors import Actor

    from .models import ChatSession, Message, TicketSource, TicketStatus
    from .services import chat, desk

    dealer, user = _dealer_user(*CHAT_USER)
    moment = _business_moment()
    if user is None or moment is None or Message.objects.filter(
            ticket__dealer=dealer, ticket__source=TicketSource.CHAT, body=CHAT_LINES[0][1]).exists():
        return
    actor = Actor(user=user, dealer=dealer)
    chat.set_on_duty(actor=emre, on=True)
    session = _dated(moment, lambda: chat.start_chat(actor=actor, body=CHAT_LINES[0][1], language=user.language,
                                                     now=moment))
    _dated(moment + timedelta(minutes=1), lambda: chat.accept(actor=emre, session=session))
    for index, (staff, text) in enumerate(CHAT_LINES[1:], start=1):
        _dated(moment + timedelta(minutes=1 + 2 * index), lambda s=staff, t=text, i=index: chat.post_message(
            session=ChatSession.objects.get(pk=session.pk), user=emre if s else user, body=t,
            client_id=f"demo-chat-{i}"))
    ended = moment + timedelta(minutes=2 * len(CHAT_LINES) + 1)
    _dated(ended, lambda: chat.end_chat(actor=emre, session=session))
    _dated(ended + timedelta(minutes=1), lambda: desk.move(actor=emre, ticket=session.ticket,
                                                             to=TicketStatus.RESOLVED))
    chat.set_on_duty(actor=emre, on=False)
