<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="tr_TR">
<context>
    <name>Actions</name>
    <message>
        <source>&amp;Add Product…</source>
        <translation>Ürün &amp;ekle…</translation>
    </message>
    <message>
        <source>Track a new product page</source>
        <translation>Yeni bir ürün sayfasını takip et</translation>
    </message>
    <message>
        <source>Add from &amp;Clipboard</source>
        <translation>&amp;Panodan ekle</translation>
    </message>
    <message>
        <source>Track the product page whose address is in the clipboard</source>
        <translation>Adresi panoda olan ürün sayfasını takip et</translation>
    </message>
    <message>
        <source>Add &amp;Many…</source>
        <translation>&amp;Çok sayıda ekle…</translation>
    </message>
    <message>
        <source>Track many product pages at once: paste their addresses</source>
        <translation>Birçok ürün sayfasını aynı anda takip et: adreslerini yapıştırın</translation>
    </message>
    <message>
        <source>&amp;Edit Product…</source>
        <translation>Ürünü &amp;düzenle…</translation>
    </message>
    <message>
        <source>Change the target price, selector and alert rules</source>
        <translation>Hedef fiyatı, seçiciyi ve uyarı kurallarını değiştir</translation>
    </message>
    <message>
        <source>&amp;Remove Product…</source>
        <translation>Ürünü &amp;kaldır…</translation>
    </message>
    <message>
        <source>Stop tracking the selected products</source>
        <translation>Seçili ürünlerin takibini bırak</translation>
    </message>
    <message>
        <source>Price &amp;History…</source>
        <translation>Fiyat &amp;geçmişi…</translation>
    </message>
    <message>
        <source>Show the price history of the selected product</source>
        <translation>Seçili ürünün fiyat geçmişini göster</translation>
    </message>
    <message>
        <source>&amp;Check Now</source>
        <translation>Şimdi &amp;kontrol et</translation>
    </message>
    <message>
        <source>Check the selected products now</source>
        <translation>Seçili ürünleri şimdi kontrol et</translation>
    </message>
    <message>
        <source>Check &amp;All Now</source>
        <translation>&amp;Tümünü şimdi kontrol et</translation>
    </message>
    <message>
        <source>Check every product now</source>
        <translation>Tüm ürünleri şimdi kontrol et</translation>
    </message>
    <message>
        <source>&amp;Open in Browser</source>
        <translation>&amp;Tarayıcıda aç</translation>
    </message>
    <message>
        <source>Open the product page in the web browser</source>
        <translation>Ürün sayfasını web tarayıcısında aç</translation>
    </message>
    <message>
        <source>&amp;Reload</source>
        <translation>&amp;Yeniden yükle</translation>
    </message>
    <message>
        <source>Read products, tasks and notifications again from the database</source>
        <translation>Ürünleri, görevleri ve bildirimleri veritabanından yeniden oku</translation>
    </message>
    <message>
        <source>&amp;Find</source>
        <translation>&amp;Bul</translation>
    </message>
    <message>
        <source>Search the products</source>
        <translation>Ürünlerde ara</translation>
    </message>
    <message>
        <source>&amp;Import…</source>
        <translation>İçe &amp;aktar…</translation>
    </message>
    <message>
        <source>Import products and history from a JSON or CSV export</source>
        <translation>Ürünleri ve geçmişi bir JSON veya CSV dışa aktarımından al</translation>
    </message>
    <message>
        <source>&amp;Export…</source>
        <translation>&amp;Dışa aktar…</translation>
    </message>
    <message>
        <source>Export products and history to JSON or CSV</source>
        <translation>Ürünleri ve geçmişi JSON ya da CSV olarak dışa aktar</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>&amp;Ayarlar…</translation>
    </message>
    <message>
        <source>Checks, notifications, API and more</source>
        <translation>Kontroller, bildirimler, API ve daha fazlası</translation>
    </message>
    <message>
        <source>&amp;Pause Scheduled Checks</source>
        <translation>Zamanlanmış kontrolleri &amp;duraklat</translation>
    </message>
    <message>
        <source>Stop the hourly checks until resumed</source>
        <translation>Saatlik kontrolleri yeniden başlatılana kadar durdur</translation>
    </message>
    <message>
        <source>&amp;Tasks</source>
        <translation>&amp;Görevler</translation>
    </message>
    <message>
        <source>Show or hide the live task table</source>
        <translation>Canlı görev tablosunu göster ya da gizle</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>Çı&amp;kış</translation>
    </message>
    <message>
        <source>Quit PriceWatch</source>
        <translation>PriceWatch&apos;tan çık</translation>
    </message>
    <message>
        <source>&amp;About PriceWatch</source>
        <translation>PriceWatch &amp;hakkında</translation>
    </message>
    <message>
        <source>&amp;Show PriceWatch</source>
        <translation>PriceWatch&apos;ı &amp;göster</translation>
    </message>
    <message>
        <source>Add Another &amp;Shop…</source>
        <translation>Başka &amp;mağaza ekle…</translation>
    </message>
    <message>
        <source>Track the same item in another shop as part of this product</source>
        <translation>Aynı ürünü başka bir mağazada bu ürünün parçası olarak izle</translation>
    </message>
    <message>
        <source>&amp;Merge With…</source>
        <translation>Şununla &amp;birleştir…</translation>
    </message>
    <message>
        <source>Make this product and another one product</source>
        <translation>Bu ürünü ve başka bir ürünü tek ürün yap</translation>
    </message>
    <message>
        <source>S&amp;plit From Product</source>
        <translation>Üründen &amp;ayır</translation>
    </message>
    <message>
        <source>Make this shop&apos;s listing a product of its own again</source>
        <translation>Bu mağazanın ilanını yeniden ayrı bir ürün yap</translation>
    </message>
</context>
<context>
    <name>ActivityIndicator</name>
    <message>
        <source>No tasks running</source>
        <translation>Çalışan görev yok</translation>
    </message>
    <message>
        <source>Show the tasks PriceWatch ran (Ctrl+T)</source>
        <translation>PriceWatch&apos;ın çalıştırdığı görevleri göster (Ctrl+T)</translation>
    </message>
    <message>
        <source>{running} running · {waiting} queued</source>
        <translation>{running} çalışıyor · {waiting} sırada</translation>
    </message>
    <message>
        <source>{running} running, {waiting} waiting; {done} finished since this work began.
Click to show the tasks (Ctrl+T)</source>
        <translation>{running} çalışıyor, {waiting} bekliyor; bu iş başladığından beri {done} tamamlandı.
Görevleri göstermek için tıklayın (Ctrl+T)</translation>
    </message>
</context>
<context>
    <name>AddManyDialog</name>
    <message>
        <source>Add Many Products</source>
        <translation>Çok sayıda ürün ekle</translation>
    </message>
    <message>
        <source>Paste product addresses here, one per line (or drop links or a bookmarks file on the window)</source>
        <translation>Ürün adreslerini buraya yapıştırın, her satıra bir tane (ya da bağlantıları veya bir yer imi dosyasını pencereye bırakın)</translation>
    </message>
    <message>
        <source>Nothing to add yet.</source>
        <translation>Henüz eklenecek bir şey yok.</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>Sonuç</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Adres</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Neden</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>Ekle</translation>
    </message>
    <message>
        <source>Addresses:</source>
        <translation>Adresler:</translation>
    </message>
    <message>
        <source>Reading…</source>
        <translation>Okunuyor…</translation>
    </message>
    <message>
        <source>Will be added</source>
        <translation>Eklenecek</translation>
    </message>
    <message>
        <source>Added</source>
        <translation>Eklendi</translation>
    </message>
    <message>
        <source>Skipped</source>
        <translation>Atlandı</translation>
    </message>
    <message>
        <source>Cannot read the list: %1</source>
        <translation>Liste okunamıyor: %1</translation>
    </message>
    <message>
        <source>%1 added, %2 skipped.</source>
        <translation>%1 eklendi, %2 atlandı.</translation>
    </message>
    <message>
        <source>%1 to add, %2 skipped.</source>
        <translation>%1 eklenecek, %2 atlandı.</translation>
    </message>
    <message numerus="yes">
        <source>Add %n Product(s)</source>
        <translation>
            <numerusform>%n ürün ekle</numerusform>
        </translation>
    </message>
    <message>
        <source>Already tracked as product %1</source>
        <translation>Zaten %1 numaralı ürün olarak takip ediliyor</translation>
    </message>
    <message>
        <source>Not a web address</source>
        <translation>Web adresi değil</translation>
    </message>
    <message>
        <source>Not a valid address</source>
        <translation>Geçerli bir adres değil</translation>
    </message>
    <message>
        <source>Listed twice</source>
        <translation>İki kez listelenmiş</translation>
    </message>
    <message>
        <source>Adding…</source>
        <translation>Ekleniyor…</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Kapat</translation>
    </message>
</context>
<context>
    <name>AddressEdit</name>
    <message>
        <source>https://shop.example/product-page (or paste a message that holds it)</source>
        <translation>https://magaza.example/urun-sayfasi (ya da onu içeren bir mesajı yapıştırın)</translation>
    </message>
</context>
<context>
    <name>AlertRulesEditor</name>
    <message>
        <source>Tell me when</source>
        <translation>Bana haber ver:</translation>
    </message>
    <message>
        <source>the price is at or below the target price (when one is set)</source>
        <translation>fiyat hedef fiyata ya da altına indiğinde (hedef varsa)</translation>
    </message>
    <message>
        <source>the price drops by at least</source>
        <translation>fiyat en az şu kadar düştüğünde:</translation>
    </message>
    <message>
        <source>the price drops at all</source>
        <translation>fiyat herhangi bir miktar düştüğünde</translation>
    </message>
    <message>
        <source>the price goes up</source>
        <translation>fiyat yükseldiğinde</translation>
    </message>
    <message>
        <source>it is back in stock</source>
        <translation>ürün yeniden stoka girdiğinde</translation>
    </message>
    <message>
        <source>it sells out</source>
        <translation>ürün tükendiğinde</translation>
    </message>
    <message>
        <source>the price is the lowest in 30 days</source>
        <translation>fiyat son 30 günün en düşüğü olduğunda</translation>
    </message>
    <message>
        <source>Needs 30 days of history: PriceWatch stays quiet until it has them</source>
        <translation>30 günlük geçmiş gerekir: PriceWatch bu süre dolana kadar sessiz kalır</translation>
    </message>
    <message>
        <source>the cheapest of all its shops is at or below</source>
        <translation>tüm mağazalarındaki en ucuz fiyat şuna eşit ya da altında olduğunda</translation>
    </message>
    <message numerus="yes">
        <source>the price is the lowest in %n days</source>
        <translation>
            <numerusform>fiyat son %n günün en düşüğü olduğunda</numerusform>
        </translation>
    </message>
    <message>
        <source>and 1 more rule set elsewhere (kept; see pricewatch alerts)</source>
        <translation>ve başka yerde tanımlanmış 1 kural daha (korunur; bkz. pricewatch alerts)</translation>
    </message>
    <message>
        <source>and {count} more rules set elsewhere (kept; see pricewatch alerts)</source>
        <translation>ve başka yerde tanımlanmış {count} kural daha (korunur; bkz. pricewatch alerts)</translation>
    </message>
</context>
<context>
    <name>Alerts</name>
    <message>
        <source>Target price reached</source>
        <translation>Hedef fiyata ulaşıldı</translation>
    </message>
    <message>
        <source>Price drop</source>
        <translation>Fiyat düştü</translation>
    </message>
    <message>
        <source>Price up</source>
        <translation>Fiyat arttı</translation>
    </message>
    <message>
        <source>Lowest price in weeks</source>
        <translation>Haftaların en düşük fiyatı</translation>
    </message>
    <message>
        <source>Back in stock</source>
        <translation>Yeniden stokta</translation>
    </message>
    <message>
        <source>Out of stock</source>
        <translation>Stokta yok</translation>
    </message>
    <message>
        <source>Cheapest shop below your price</source>
        <translation>En ucuz mağaza fiyatınızın altında</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>bilinmiyor</translation>
    </message>
    <message>
        <source>product #{id}</source>
        <translation>ürün #{id}</translation>
    </message>
    <message>
        <source>product</source>
        <translation>ürün</translation>
    </message>
    <message>
        <source>Now {now}, at or below your target of {target}.</source>
        <translation>Şimdi {now}; {target} olan hedefinizde ya da altında.</translation>
    </message>
    <message>
        <source>Was {was}.</source>
        <translation>Önceki fiyat {was}.</translation>
    </message>
    <message>
        <source>Out of stock.</source>
        <translation>Stokta yok.</translation>
    </message>
    <message>
        <source>Out of stock (last price {price}).</source>
        <translation>Stokta yok (son fiyat {price}).</translation>
    </message>
    <message>
        <source>Available again.</source>
        <translation>Yeniden satışta.</translation>
    </message>
    <message>
        <source>Available again at {now}.</source>
        <translation>{now} fiyatla yeniden satışta.</translation>
    </message>
    <message>
        <source>Now {now}, the lowest price in {days} days.</source>
        <translation>Şimdi {now}; son {days} günün en düşük fiyatı.</translation>
    </message>
    <message>
        <source>Now {now}, the lowest price in {days} days (the lowest before: {before}).</source>
        <translation>Şimdi {now}; son {days} günün en düşük fiyatı (önceki en düşük: {before}).</translation>
    </message>
    <message>
        <source>Now {now}, up {change} ({percent}) from the {days}-day high of {was}.</source>
        <translation>Şimdi {now}; {days} günün en yüksek fiyatı olan {was} değerinden {change} ({percent}) fazla.</translation>
    </message>
    <message>
        <source>Now {now}, down {change} ({percent}) from the {days}-day high of {was}.</source>
        <translation>Şimdi {now}; {days} günün en yüksek fiyatı olan {was} değerinden {change} ({percent}) düşük.</translation>
    </message>
    <message>
        <source>Now {now}, up {change} ({percent}) from {was}.</source>
        <translation>Şimdi {now}; {was} fiyatından {change} ({percent}) pahalı.</translation>
    </message>
    <message>
        <source>Now {now}, down {change} ({percent}) from {was}.</source>
        <translation>Şimdi {now}; {was} fiyatından {change} ({percent}) ucuz.</translation>
    </message>
    <message>
        <source>Also: {others}.</source>
        <translation>Ayrıca: {others}.</translation>
    </message>
</context>
<context>
    <name>Application</name>
    <message>
        <source>PriceWatch cannot open its data</source>
        <translation>PriceWatch verilerini açamıyor</translation>
    </message>
    <message>
        <source>PriceWatch settings</source>
        <translation>PriceWatch ayarları</translation>
    </message>
</context>
<context>
    <name>AppriseBox</name>
    <message>
        <source>One address per line, for example
ntfy://my-price-alerts
mailto://me:app-password@gmail.com</source>
        <translation>Her satıra bir adres, örneğin
ntfy://fiyat-uyarilarim
mailto://ben:uygulama-parolasi@gmail.com</translation>
    </message>
    <message>
        <source>Line {number}: Apprise does not understand “{address}”</source>
        <translation>Satır {number}: Apprise “{address}” adresini anlamıyor</translation>
    </message>
    <message>
        <source>PriceWatch test</source>
        <translation>PriceWatch denemesi</translation>
    </message>
    <message>
        <source>Notifications from PriceWatch arrive here.</source>
        <translation>PriceWatch bildirimleri buraya gelir.</translation>
    </message>
    <message>
        <source>delivery failed</source>
        <translation>iletilemedi</translation>
    </message>
    <message>
        <source>Test</source>
        <translation>Dene</translation>
    </message>
    <message>
        <source>Send a test notification to these addresses now</source>
        <translation>Bu adreslere şimdi deneme bildirimi gönder</translation>
    </message>
    <message>
        <source>Cannot check: {problem}</source>
        <translation>Denetlenemiyor: {problem}</translation>
    </message>
    <message>
        <source>1 address Apprise understands</source>
        <translation>Apprise&apos;ın anladığı 1 adres</translation>
    </message>
    <message>
        <source>{count} addresses Apprise understands</source>
        <translation>Apprise&apos;ın anladığı {count} adres</translation>
    </message>
    <message>
        <source>Sending…</source>
        <translation>Gönderiliyor…</translation>
    </message>
    <message>
        <source>Failed: {service}: {why}</source>
        <translation>Başarısız: {service}: {why}</translation>
    </message>
    <message>
        <source>Sent to {services}</source>
        <translation>Gönderildiği yer: {services}</translation>
    </message>
</context>
<context>
    <name>BestPrices</name>
    <message>
        <source>{price} · {count} shops</source>
        <translation>{price} · {count} mağaza</translation>
    </message>
    <message>
        <source> (cheapest)</source>
        <translation> (en ucuz)</translation>
    </message>
    <message>
        <source>Converted at the exchange rates of {date}</source>
        <translation>{date} tarihli döviz kurlarıyla çevrildi</translation>
    </message>
    <message>
        <source> (out of date)</source>
        <translation> (güncel değil)</translation>
    </message>
</context>
<context>
    <name>Browser</name>
    <message>
        <source>Could not open a web browser</source>
        <translation>Web tarayıcısı açılamadı</translation>
    </message>
    <message>
        <source>PriceWatch could not start a web browser for this page. Copy the address and open it yourself:</source>
        <translation>PriceWatch bu sayfa için bir web tarayıcısı başlatamadı. Adresi kopyalayıp kendiniz açın:</translation>
    </message>
</context>
<context>
    <name>BrowserWindow</name>
    <message>
        <source>PriceWatch browser</source>
        <translation>PriceWatch tarayıcısı</translation>
    </message>
    <message>
        <source>Pick the price</source>
        <translation>Fiyatı seç</translation>
    </message>
    <message>
        <source>Click the price on the page</source>
        <translation>Sayfadaki fiyata tıklayın</translation>
    </message>
    <message>
        <source>No reliable selector for that element; try the price itself</source>
        <translation>Bu öğe için güvenilir bir seçici yok; fiyatın kendisini deneyin</translation>
    </message>
    <message>
        <source>Selector: {selector}</source>
        <translation>Seçici: {selector}</translation>
    </message>
</context>
<context>
    <name>BulkEditDialog</name>
    <message numerus="yes">
        <source>Edit Selected Products (%n)</source>
        <translation>
            <numerusform>Seçili ürünleri düzenle (%n)</numerusform>
        </translation>
    </message>
    <message>
        <source>tags, separated by commas</source>
        <translation>etiketler, virgülle ayrılmış</translation>
    </message>
    <message>
        <source>Set to</source>
        <translation>Şuna ayarla</translation>
    </message>
    <message>
        <source> min</source>
        <translation> dk</translation>
    </message>
    <message>
        <source>No new rule</source>
        <translation>Yeni kural yok</translation>
    </message>
    <message>
        <source>Price at or below…</source>
        <translation>Fiyat şuna eşit ya da altında…</translation>
    </message>
    <message>
        <source>Drop of at least … %</source>
        <translation>En az % … düşüş</translation>
    </message>
    <message>
        <source>Drop of at least … (amount)</source>
        <translation>En az … düşüş (tutar)</translation>
    </message>
    <message>
        <source>Any price drop</source>
        <translation>Her fiyat düşüşü</translation>
    </message>
    <message>
        <source>Any price increase</source>
        <translation>Her fiyat artışı</translation>
    </message>
    <message>
        <source>Back in stock</source>
        <translation>Yeniden stokta</translation>
    </message>
    <message>
        <source>Out of stock</source>
        <translation>Stokta yok</translation>
    </message>
    <message>
        <source>Lowest price of the last … days</source>
        <translation>Son … günün en düşük fiyatı</translation>
    </message>
    <message>
        <source>value</source>
        <translation>değer</translation>
    </message>
    <message>
        <source>Leave as it is</source>
        <translation>Olduğu gibi bırak</translation>
    </message>
    <message>
        <source>Pause checks</source>
        <translation>Kontrolleri duraklat</translation>
    </message>
    <message>
        <source>Resume checks</source>
        <translation>Kontrolleri sürdür</translation>
    </message>
    <message>
        <source>&amp;Add tags:</source>
        <translation>Etiket &amp;ekle:</translation>
    </message>
    <message>
        <source>&amp;Remove tags:</source>
        <translation>Etiket &amp;kaldır:</translation>
    </message>
    <message>
        <source>Check &amp;interval:</source>
        <translation>Kontrol &amp;aralığı:</translation>
    </message>
    <message>
        <source>Add a r&amp;ule:</source>
        <translation>K&amp;ural ekle:</translation>
    </message>
    <message>
        <source>&amp;Checks:</source>
        <translation>&amp;Kontroller:</translation>
    </message>
    <message>
        <source>The rule needs a number of days, such as 30.</source>
        <translation>Kural bir gün sayısı ister, örneğin 30.</translation>
    </message>
    <message>
        <source>The rule needs a number, such as 10.</source>
        <translation>Kural bir sayı ister, örneğin 10.</translation>
    </message>
    <message>
        <source>The rule needs a number above zero.</source>
        <translation>Kural sıfırdan büyük bir sayı ister.</translation>
    </message>
    <message>
        <source>Choose something to change.</source>
        <translation>Değiştirilecek bir şey seçin.</translation>
    </message>
</context>
<context>
    <name>CandidateList</name>
    <message>
        <source>PriceWatch is not sure which of these is the product&apos;s price. Pick the one to track; PriceWatch remembers where it is on the page.</source>
        <translation>PriceWatch bunlardan hangisinin ürünün fiyatı olduğundan emin değil. Takip edilecek olanı seçin; PriceWatch sayfadaki yerini hatırlar.</translation>
    </message>
</context>
<context>
    <name>Candidates</name>
    <message>
        <source>crossed out or list price</source>
        <translation>üstü çizili ya da liste fiyatı</translation>
    </message>
    <message>
        <source>near the product, not in its buy box</source>
        <translation>ürünün yakınında, satın alma kutusunda değil</translation>
    </message>
</context>
<context>
    <name>Deal</name>
    <message>
        <source>Invented was-price</source>
        <translation>Uydurma eski fiyat</translation>
    </message>
    <message>
        <source>Fake discount</source>
        <translation>Sahte indirim</translation>
    </message>
    <message>
        <source>All-time low</source>
        <translation>Dip fiyat</translation>
    </message>
    <message numerus="yes">
        <source>Lowest in %n days</source>
        <translation>
            <numerusform>Son %n günün en düşüğü</numerusform>
        </translation>
    </message>
    <message>
        <source>Above usual</source>
        <translation>Olağanın üstünde</translation>
    </message>
    <message>
        <source>Not enough history</source>
        <translation>Yetersiz geçmiş</translation>
    </message>
    <message>
        <source>per kg</source>
        <translation>kg başına</translation>
    </message>
    <message>
        <source>per L</source>
        <translation>L başına</translation>
    </message>
    <message>
        <source>per piece</source>
        <translation>adet başına</translation>
    </message>
    <message>
        <source>No price known yet.</source>
        <translation>Henüz bilinen fiyat yok.</translation>
    </message>
    <message numerus="yes">
        <source>Watched for %n day(s); a verdict needs 30.</source>
        <translation>
            <numerusform>%n gündür izleniyor; karar için 30 gün gerekir.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The lowest price in %n day(s) of watching.</source>
        <translation>
            <numerusform>%n günlük izlemenin en düşük fiyatı.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>No lower price in the last %n day(s).</source>
        <translation>
            <numerusform>Son %n günde daha düşük fiyat yok.</numerusform>
        </translation>
    </message>
    <message>
        <source>The price was higher than now %1% of the time watched.</source>
        <translation>Fiyat, izlenen sürenin %%1&apos;inde şimdikinden yüksekti.</translation>
    </message>
    <message>
        <source>The same price all along.</source>
        <translation>Baştan beri aynı fiyat.</translation>
    </message>
    <message>
        <source>The was-price %1 is invented: PriceWatch never saw it (watching since %2).</source>
        <translation>%1 eski fiyatı uydurma: PriceWatch bu fiyatı hiç görmedi (%2 tarihinden beri izleniyor).</translation>
    </message>
    <message>
        <source>The was-price %1 is above %2, the lowest price of the 30 days before the cut on %3 (seen %4).</source>
        <translation>%1 eski fiyatı, %3 tarihindeki indirimden önceki 30 günün en düşük fiyatı olan %2 değerinin üstünde (görülme: %4).</translation>
    </message>
    <message>
        <source>The was-price %1 was the lowest price in the 30 days before the reduction.</source>
        <translation>%1 eski fiyatı, indirimden önceki 30 günün en düşük fiyatıydı.</translation>
    </message>
    <message numerus="yes">
        <source>Too little history for %1: the rule needs %n days before it.</source>
        <translation>
            <numerusform>%1 için yetersiz geçmiş: kural öncesinde %n gün gerektiriyor.</numerusform>
        </translation>
    </message>
    <message>
        <source>Rank %1 of %2 prices seen; lowest %3, highest %4.</source>
        <translation>Görülen %2 fiyat içinde %1. sırada; en düşük %3, en yüksek %4.</translation>
    </message>
    <message>
        <source>Prices from %1 to %2:</source>
        <translation>%1 ile %2 arasındaki fiyatlar:</translation>
    </message>
</context>
<context>
    <name>DealPanel</name>
    <message>
        <source>Show the prices behind it</source>
        <translation>Arkasındaki fiyatları göster</translation>
    </message>
    <message>
        <source>Hide the prices</source>
        <translation>Fiyatları gizle</translation>
    </message>
</context>
<context>
    <name>DesktopSwitches</name>
    <message>
        <source>Desktop</source>
        <translation>Masaüstü</translation>
    </message>
    <message>
        <source>Add PriceWatch to the applications menu</source>
        <translation>PriceWatch&apos;ı uygulamalar menüsüne ekle</translation>
    </message>
    <message>
        <source>Start PriceWatch at login (in the tray)</source>
        <translation>Oturum açılınca PriceWatch&apos;ı başlat (sistem tepsisinde)</translation>
    </message>
    <message>
        <source>The desktop entry could not be written: {error}</source>
        <translation>Masaüstü girdisi yazılamadı: {error}</translation>
    </message>
</context>
<context>
    <name>EditorFields</name>
    <message>
        <source>Every 15 minutes</source>
        <translation>15 dakikada bir</translation>
    </message>
    <message>
        <source>Every 30 minutes</source>
        <translation>30 dakikada bir</translation>
    </message>
    <message>
        <source>Every hour</source>
        <translation>Saatte bir</translation>
    </message>
    <message>
        <source>Every 2 hours</source>
        <translation>2 saatte bir</translation>
    </message>
    <message>
        <source>Every 4 hours</source>
        <translation>4 saatte bir</translation>
    </message>
    <message>
        <source>Every 6 hours</source>
        <translation>6 saatte bir</translation>
    </message>
    <message>
        <source>Every 12 hours</source>
        <translation>12 saatte bir</translation>
    </message>
    <message>
        <source>Once a day</source>
        <translation>Günde bir</translation>
    </message>
    <message>
        <source>Once a week</source>
        <translation>Haftada bir</translation>
    </message>
    <message>
        <source>Automatic (the PriceWatch browser only when the page needs it)</source>
        <translation>Otomatik (PriceWatch tarayıcısı yalnızca sayfa gerektirdiğinde)</translation>
    </message>
    <message>
        <source>Without a browser (fast; pages that need scripts show no price)</source>
        <translation>Tarayıcısız (hızlı; betik gerektiren sayfalar fiyat göstermez)</translation>
    </message>
    <message>
        <source>Always in the PriceWatch browser (for pages that need scripts or a login)</source>
        <translation>Her zaman PriceWatch tarayıcısında (betik ya da oturum açma gerektiren sayfalar için)</translation>
    </message>
    <message>
        <source>Every {hours} hours</source>
        <translation>{hours} saatte bir</translation>
    </message>
    <message>
        <source>Every {minutes} minutes</source>
        <translation>{minutes} dakikada bir</translation>
    </message>
</context>
<context>
    <name>Errors</name>
    <message>
        <source>Not saved: a newer PriceWatch upgraded the database; restart PriceWatch first</source>
        <translation>Kaydedilmedi: daha yeni bir PriceWatch veritabanını güncelledi; önce PriceWatch&apos;ı yeniden başlatın</translation>
    </message>
    <message>
        <source>(details in {file})</source>
        <translation>(ayrıntılar: {file})</translation>
    </message>
    <message>
        <source>Internal error: {error}</source>
        <translation>İç hata: {error}</translation>
    </message>
</context>
<context>
    <name>Faults</name>
    <message>
        <source>later</source>
        <translation>daha sonra</translation>
    </message>
    <message>
        <source>in {n} s</source>
        <translation>{n} sn sonra</translation>
    </message>
    <message>
        <source>in {n} min</source>
        <translation>{n} dk sonra</translation>
    </message>
    <message>
        <source>in {n} h</source>
        <translation>{n} sa sonra</translation>
    </message>
    <message>
        <source>The shop&apos;s server failed{code}. PriceWatch tries again {wait}.</source>
        <translation>Mağazanın sunucusu hata verdi{code}. PriceWatch {wait} yeniden dener.</translation>
    </message>
    <message>
        <source>The shop asked PriceWatch to slow down{code}. PriceWatch tries again {wait}.</source>
        <translation>Mağaza PriceWatch&apos;tan yavaşlamasını istedi{code}. PriceWatch {wait} yeniden dener.</translation>
    </message>
    <message>
        <source>The shop took too long to answer. PriceWatch tries again later; if this keeps happening, the shop may be down.</source>
        <translation>Mağaza çok geç yanıt verdi. PriceWatch daha sonra yeniden dener; bu sürerse mağaza çalışmıyor olabilir.</translation>
    </message>
    <message>
        <source>Could not connect to the shop. Check the internet connection and the address; PriceWatch tries again later.</source>
        <translation>Mağazaya bağlanılamadı. İnternet bağlantısını ve adresi kontrol edin; PriceWatch daha sonra yeniden dener.</translation>
    </message>
    <message>
        <source>The shop&apos;s address could not be found. Check the spelling of the address.</source>
        <translation>Mağazanın adresi bulunamadı. Adresin yazımını kontrol edin.</translation>
    </message>
    <message>
        <source>The shop&apos;s secure connection could not be set up. Try the address with http:// or open it in the PriceWatch browser.</source>
        <translation>Mağazayla güvenli bağlantı kurulamadı. Adresi http:// ile deneyin ya da PriceWatch tarayıcısında açın.</translation>
    </message>
    <message>
        <source>The shop asks programs not to read this page (robots.txt). Ask the shop, or track another shop&apos;s page for this product.</source>
        <translation>Mağaza, programların bu sayfayı okumamasını istiyor (robots.txt). Mağazaya sorun ya da bu ürün için başka bir mağazanın sayfasını takip edin.</translation>
    </message>
    <message>
        <source>No price was found on the page. Pick the price in the PriceWatch browser, or give a price selector.</source>
        <translation>Sayfada fiyat bulunamadı. Fiyatı PriceWatch tarayıcısında seçin ya da bir fiyat seçicisi girin.</translation>
    </message>
    <message>
        <source>This address is a file, not a web page. Use the address of the product&apos;s page.</source>
        <translation>Bu adres bir web sayfası değil, bir dosya. Ürün sayfasının adresini kullanın.</translation>
    </message>
    <message>
        <source>The page is too large to read. Use the address of the product&apos;s own page.</source>
        <translation>Sayfa okunamayacak kadar büyük. Ürünün kendi sayfasının adresini kullanın.</translation>
    </message>
    <message>
        <source>The shop sent a damaged page. PriceWatch tries again later.</source>
        <translation>Mağaza bozuk bir sayfa gönderdi. PriceWatch daha sonra yeniden dener.</translation>
    </message>
    <message>
        <source>The shop sends this address on to an address PriceWatch cannot use. Open it in your browser and copy the address the product page ends up at.</source>
        <translation>Mağaza bu adresi PriceWatch&apos;ın kullanamayacağı bir adrese yönlendiriyor. Adresi tarayıcınızda açın ve ürün sayfasının vardığı adresi kopyalayın.</translation>
    </message>
    <message>
        <source>The page points to an address on this computer or its network, which PriceWatch does not follow. Use the shop&apos;s public address.</source>
        <translation>Sayfa bu bilgisayarda ya da ağında bir adrese yönlendiriyor; PriceWatch bunu izlemez. Mağazanın herkese açık adresini kullanın.</translation>
    </message>
    <message>
        <source>This is not a web address PriceWatch can track. Use an address that starts with https:// or http://.</source>
        <translation>Bu, PriceWatch&apos;ın takip edebileceği bir web adresi değil. https:// ya da http:// ile başlayan bir adres kullanın.</translation>
    </message>
    <message>
        <source>The PriceWatch browser is not available here. Set the product&apos;s fetch mode to plain.</source>
        <translation>PriceWatch tarayıcısı burada kullanılamıyor. Ürünün okuma biçimini tarayıcısız olarak ayarlayın.</translation>
    </message>
    <message>
        <source>The PriceWatch browser stopped while reading the page. PriceWatch tries again later.</source>
        <translation>PriceWatch tarayıcısı sayfayı okurken durdu. PriceWatch daha sonra yeniden dener.</translation>
    </message>
    <message>
        <source>The PriceWatch browser has too many pages waiting. PriceWatch tries again later.</source>
        <translation>PriceWatch tarayıcısında bekleyen çok fazla sayfa var. PriceWatch daha sonra yeniden dener.</translation>
    </message>
    <message>
        <source>The check was stopped.</source>
        <translation>Kontrol durduruldu.</translation>
    </message>
    <message>
        <source>The program that ran this check ended; a later check takes over.</source>
        <translation>Bu kontrolü çalıştıran program kapandı; sonraki bir kontrol devralır.</translation>
    </message>
    <message>
        <source>Some of the checks failed; each product says why.</source>
        <translation>Kontrollerin bazıları başarısız oldu; her ürün nedenini gösteriyor.</translation>
    </message>
    <message>
        <source>The notification could not be delivered. Check the notification settings.</source>
        <translation>Bildirim iletilemedi. Bildirim ayarlarını kontrol edin.</translation>
    </message>
    <message>
        <source>This page does not exist{code}. Check the address, or find the product on the shop&apos;s site and copy its address again.</source>
        <translation>Bu sayfa yok{code}. Adresi kontrol edin ya da ürünü mağazanın sitesinde bulup adresini yeniden kopyalayın.</translation>
    </message>
    <message>
        <source>The shop refused the request{code}. Try again later or open it in the PriceWatch browser.</source>
        <translation>Mağaza isteği reddetti{code}. Daha sonra yeniden deneyin ya da PriceWatch tarayıcısında açın.</translation>
    </message>
    <message>
        <source>The shop asked to try again later{code}. PriceWatch tries again {wait}.</source>
        <translation>Mağaza daha sonra yeniden denenmesini istedi{code}. PriceWatch {wait} yeniden dener.</translation>
    </message>
    <message>
        <source>The shop rejected the request{code}. Check the address, or try again later.</source>
        <translation>Mağaza isteği geri çevirdi{code}. Adresi kontrol edin ya da daha sonra yeniden deneyin.</translation>
    </message>
    <message>
        <source>Something went wrong while reading the page. PriceWatch tries again at the next check.</source>
        <translation>Sayfa okunurken bir sorun oluştu. PriceWatch bir sonraki kontrolde yeniden dener.</translation>
    </message>
    <message>
        <source>The shop answered {status}; trying again (retry {retry} of {most}) at {at}.</source>
        <translation>Mağaza {status} yanıtını verdi; {at} saatinde yeniden denenecek (deneme {retry}/{most}).</translation>
    </message>
    <message>
        <source>The shop answered {status}; trying again (retry {retry} of {most}).</source>
        <translation>Mağaza {status} yanıtını verdi; yeniden deneniyor (deneme {retry}/{most}).</translation>
    </message>
    <message>
        <source>The shop did not answer; trying again (retry {retry} of {most}) at {at}.</source>
        <translation>Mağaza yanıt vermedi; {at} saatinde yeniden denenecek (deneme {retry}/{most}).</translation>
    </message>
    <message>
        <source>The shop did not answer; trying again (retry {retry} of {most}).</source>
        <translation>Mağaza yanıt vermedi; yeniden deneniyor (deneme {retry}/{most}).</translation>
    </message>
</context>
<context>
    <name>FilterBar</name>
    <message>
        <source>Show products</source>
        <translation>Ürünleri göster</translation>
    </message>
    <message>
        <source>Save Filter…</source>
        <translation>Filtreyi kaydet…</translation>
    </message>
    <message>
        <source>Keep a combination of conditions under a name</source>
        <translation>Koşulların bir birleşimini bir adla sakla</translation>
    </message>
    <message>
        <source>Delete Filter</source>
        <translation>Filtreyi sil</translation>
    </message>
    <message>
        <source>&amp;Show:</source>
        <translation>&amp;Göster:</translation>
    </message>
    <message>
        <source>All products</source>
        <translation>Tüm ürünler</translation>
    </message>
    <message>
        <source>Tag: {name} ({count})</source>
        <translation>Etiket: {name} ({count})</translation>
    </message>
</context>
<context>
    <name>HistoryModel</name>
    <message>
        <source>When</source>
        <translation>Zaman</translation>
    </message>
    <message>
        <source>Price</source>
        <translation>Fiyat</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>Değişim</translation>
    </message>
    <message>
        <source>Availability</source>
        <translation>Stok durumu</translation>
    </message>
    <message>
        <source>First reading</source>
        <translation>İlk okuma</translation>
    </message>
    <message>
        <source>No change</source>
        <translation>Değişiklik yok</translation>
    </message>
</context>
<context>
    <name>HomeCurrency</name>
    <message>
        <source>Home currency</source>
        <translation>Ana para birimi</translation>
    </message>
    <message>
        <source>No exchange rates fetched yet.</source>
        <translation>Henüz döviz kuru alınmadı.</translation>
    </message>
    <message>
        <source>Exchange rates of {date}.</source>
        <translation>{date} tarihli döviz kurları.</translation>
    </message>
    <message>
        <source>The last update failed: {error}</source>
        <translation>Son güncelleme başarısız oldu: {error}</translation>
    </message>
    <message>
        <source>Prices from every shop are compared in this currency.</source>
        <translation>Tüm mağazaların fiyatları bu para biriminde karşılaştırılır.</translation>
    </message>
    <message>
        <source>Home currency: use a three-letter code such as EUR or USD</source>
        <translation>Ana para birimi: EUR ya da USD gibi üç harfli bir kod kullanın</translation>
    </message>
</context>
<context>
    <name>LookupView</name>
    <message>
        <source>Enter a product page&apos;s address and press &lt;b&gt;Look up&lt;/b&gt;.</source>
        <translation>Bir ürün sayfasının adresini girip &lt;b&gt;Sorgula&lt;/b&gt; düğmesine basın.</translation>
    </message>
    <message>
        <source>Looking up the page…</source>
        <translation>Sayfa sorgulanıyor…</translation>
    </message>
    <message>
        <source>&amp;Stop look-up</source>
        <translation>Sorguyu &amp;durdur</translation>
    </message>
    <message>
        <source>This page offers several prices; pick the one to track:</source>
        <translation>Bu sayfada birden çok fiyat var; takip edilecek olanı seçin:</translation>
    </message>
    <message>
        <source>Price</source>
        <translation>Fiyat</translation>
    </message>
    <message>
        <source>Availability</source>
        <translation>Stok durumu</translation>
    </message>
    <message>
        <source>Found by</source>
        <translation>Bulunduğu yer</translation>
    </message>
    <message>
        <source>Tracking</source>
        <translation>Takip edilen</translation>
    </message>
    <message>
        <source>(No title found)</source>
        <translation>(Başlık bulunamadı)</translation>
    </message>
    <message>
        <source>Offer</source>
        <translation>Teklif</translation>
    </message>
    <message>
        <source>the check at {time}</source>
        <translation>{time} kontrolü</translation>
    </message>
    <message>
        <source>not checked yet</source>
        <translation>henüz kontrol edilmedi</translation>
    </message>
</context>
<context>
    <name>LookupWording</name>
    <message>
        <source>You can add the product now (PriceWatch keeps checking it on its schedule) or stop the look-up.</source>
        <translation>Ürünü şimdi ekleyebilirsiniz (PriceWatch onu planına göre kontrol etmeyi sürdürür) ya da sorguyu durdurabilirsiniz.</translation>
    </message>
    <message>
        <source>read without a browser</source>
        <translation>tarayıcısız okundu</translation>
    </message>
    <message>
        <source>read in the PriceWatch browser</source>
        <translation>PriceWatch tarayıcısında okundu</translation>
    </message>
    <message>
        <source>the page&apos;s structured data (JSON-LD)</source>
        <translation>sayfanın yapılandırılmış verisi (JSON-LD)</translation>
    </message>
    <message>
        <source>the page&apos;s structured data (microdata)</source>
        <translation>sayfanın yapılandırılmış verisi (mikroveri)</translation>
    </message>
    <message>
        <source>the page&apos;s product tags</source>
        <translation>sayfanın ürün etiketleri</translation>
    </message>
    <message>
        <source>your selector</source>
        <translation>seçiciniz</translation>
    </message>
    <message>
        <source>the price shown on the page</source>
        <translation>sayfada gösterilen fiyat</translation>
    </message>
    <message>
        <source>the page&apos;s app data (its state script)</source>
        <translation>sayfanın uygulama verileri (durum betiği)</translation>
    </message>
    <message>
        <source>the page&apos;s analytics data (a last resort)</source>
        <translation>sayfanın analiz verisi (son çare)</translation>
    </message>
    <message>
        <source>the page text</source>
        <translation>sayfa metni</translation>
    </message>
    <message>
        <source>No price found.</source>
        <translation>Fiyat bulunamadı.</translation>
    </message>
    <message>
        <source>No price found: {why}</source>
        <translation>Fiyat bulunamadı: {why}</translation>
    </message>
    <message>
        <source>Your selector {selector} found the price.</source>
        <translation>{selector} seçiciniz fiyatı buldu.</translation>
    </message>
    <message>
        <source>found no price</source>
        <translation>fiyat bulamadı</translation>
    </message>
    <message>
        <source>Your selector {selector} {why}.</source>
        <translation>{selector} seçiciniz: {why}.</translation>
    </message>
    <message>
        <source>Your selector {selector} {why}; the price shown comes from {source}.</source>
        <translation>{selector} seçiciniz: {why}; gösterilen fiyatın kaynağı: {source}.</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Tasks</source>
        <translation>Görevler</translation>
    </message>
    <message>
        <source>Notifications</source>
        <translation>Bildirimler</translation>
    </message>
    <message>
        <source>Cannot add {url}: {error}</source>
        <translation>{url} eklenemiyor: {error}</translation>
    </message>
    <message>
        <source>The clipboard holds no product address: {error}</source>
        <translation>Panoda ürün adresi yok: {error}</translation>
    </message>
    <message numerus="yes">
        <source>%n product(s) added</source>
        <translation>
            <numerusform>%n ürün eklendi</numerusform>
        </translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>Kontrol ediliyor…</translation>
    </message>
    <message>
        <source>Removed 1 product</source>
        <translation>1 ürün kaldırıldı</translation>
    </message>
    <message>
        <source>Removed {count} products</source>
        <translation>{count} ürün kaldırıldı</translation>
    </message>
    <message>
        <source>Checking 1 product…</source>
        <translation>1 ürün kontrol ediliyor…</translation>
    </message>
    <message>
        <source>Checking {count} products…</source>
        <translation>{count} ürün kontrol ediliyor…</translation>
    </message>
    <message>
        <source>Checking every product…</source>
        <translation>Tüm ürünler kontrol ediliyor…</translation>
    </message>
    <message>
        <source>Settings saved</source>
        <translation>Ayarlar kaydedildi</translation>
    </message>
    <message>
        <source>Reloaded</source>
        <translation>Yeniden yüklendi</translation>
    </message>
    <message>
        <source>Exported {count} products to {path}</source>
        <translation>{count} ürün {path} dosyasına aktarıldı</translation>
    </message>
    <message>
        <source>Imported: {added} new products, {updated} updated, {points} price points</source>
        <translation>İçe aktarıldı: {added} yeni ürün, {updated} güncellendi, {points} fiyat noktası</translation>
    </message>
    <message>
        <source>PriceWatch — 1 product</source>
        <translation>PriceWatch — 1 ürün</translation>
    </message>
    <message>
        <source>PriceWatch — {count} products</source>
        <translation>PriceWatch — {count} ürün</translation>
    </message>
    <message>
        <source>A desktop price tracker.</source>
        <translation>Masaüstü için bir fiyat takipçisi.</translation>
    </message>
    <message>
        <source>Data folder: {folder}</source>
        <translation>Veri klasörü: {folder}</translation>
    </message>
    <message>
        <source>About PriceWatch</source>
        <translation>PriceWatch hakkında</translation>
    </message>
    <message>
        <source>PriceWatch was updated by another program: restart it to continue</source>
        <translation>PriceWatch başka bir program tarafından güncellendi: devam etmek için yeniden başlatın</translation>
    </message>
    <message>
        <source>PriceWatch keeps running</source>
        <translation>PriceWatch çalışmaya devam ediyor</translation>
    </message>
    <message>
        <source>PriceWatch is still checking prices in the tray. Use Quit in its menu to stop it.</source>
        <translation>PriceWatch sistem tepsisinde fiyatları kontrol etmeyi sürdürüyor. Durdurmak için menüsündeki Çıkış&apos;ı kullanın.</translation>
    </message>
</context>
<context>
    <name>Menus</name>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Dosya</translation>
    </message>
    <message>
        <source>&amp;Product</source>
        <translation>Ü&amp;rün</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Görünüm</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>Y&amp;ardım</translation>
    </message>
    <message>
        <source>Main toolbar</source>
        <translation>Ana araç çubuğu</translation>
    </message>
</context>
<context>
    <name>NotificationActions</name>
    <message>
        <source>That product is no longer tracked</source>
        <translation>Bu ürün artık takip edilmiyor</translation>
    </message>
    <message>
        <source>No notifications about {name} until {time}</source>
        <translation>{time} saatine kadar {name} hakkında bildirim yok</translation>
    </message>
</context>
<context>
    <name>NotificationModel</name>
    <message>
        <source>When</source>
        <translation>Zaman</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>Başlık</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>İleti</translation>
    </message>
    <message>
        <source>Sent through</source>
        <translation>Gönderildiği kanal</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Durum</translation>
    </message>
    <message>
        <source>Sent</source>
        <translation>Gönderildi</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Başarısız</translation>
    </message>
    <message>
        <source>Held (quiet hours)</source>
        <translation>Bekletildi (sessiz saatler)</translation>
    </message>
    <message>
        <source>Pending</source>
        <translation>Bekliyor</translation>
    </message>
    <message>
        <source>Held back</source>
        <translation>Bekletildi</translation>
    </message>
    <message>
        <source>Snoozed</source>
        <translation>Ertelendi</translation>
    </message>
    <message>
        <source>Held by daily cap</source>
        <translation>Günlük sınır nedeniyle bekletildi</translation>
    </message>
    <message>
        <source>The alert rule is snoozed until the price changes.</source>
        <translation>Uyarı kuralı fiyat değişene kadar ertelendi.</translation>
    </message>
    <message>
        <source>The alert rule is snoozed until {time}.</source>
        <translation>Uyarı kuralı {time} tarihine kadar ertelendi.</translation>
    </message>
    <message>
        <source>The product is snoozed until its price changes.</source>
        <translation>Ürün, fiyatı değişene kadar ertelendi.</translation>
    </message>
    <message>
        <source>The product is snoozed until {time}.</source>
        <translation>Ürün {time} tarihine kadar ertelendi.</translation>
    </message>
    <message>
        <source>Held by the daily cap of notifications for this product.</source>
        <translation>Bu ürün için günlük bildirim sınırı nedeniyle bekletildi.</translation>
    </message>
</context>
<context>
    <name>Notifications</name>
    <message>
        <source>PriceWatch test</source>
        <translation>PriceWatch denemesi</translation>
    </message>
    <message>
        <source>Notifications from PriceWatch arrive here.</source>
        <translation>PriceWatch bildirimleri buraya gelir.</translation>
    </message>
    <message>
        <source>PriceWatch: {count} notifications</source>
        <translation>PriceWatch: {count} bildirim</translation>
    </message>
    <message>
        <source>… and {count} more (see the notification log)</source>
        <translation>… ve {count} tane daha (bildirim kaydına bakın)</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Aç</translation>
    </message>
    <message>
        <source>Open shop page</source>
        <translation>Mağaza sayfasını aç</translation>
    </message>
    <message>
        <source>Snooze 1 day</source>
        <translation>1 gün ertele</translation>
    </message>
</context>
<context>
    <name>NotificationsPanel</name>
    <message>
        <source>No notifications yet</source>
        <translation>Henüz bildirim yok</translation>
    </message>
    <message>
        <source>{count} delivered</source>
        <translation>{count} iletildi</translation>
    </message>
    <message>
        <source>{count} notifications: {parts}</source>
        <translation>{count} bildirim: {parts}</translation>
    </message>
    <message>
        <source>Send a Test Notification</source>
        <translation>Deneme bildirimi gönder</translation>
    </message>
    <message>
        <source>The test failed: {error}</source>
        <translation>Deneme başarısız oldu: {error}</translation>
    </message>
</context>
<context>
    <name>OrganiseActions</name>
    <message>
        <source>Edit &amp;Selected…</source>
        <translation>&amp;Seçilenleri düzenle…</translation>
    </message>
    <message>
        <source>Tags, check interval, a new rule or pause for every selected product</source>
        <translation>Seçili her ürün için etiketler, kontrol aralığı, yeni bir kural ya da duraklatma</translation>
    </message>
    <message>
        <source>S&amp;nooze</source>
        <translation>&amp;Ertele</translation>
    </message>
    <message>
        <source>For a &amp;Day</source>
        <translation>Bir &amp;gün</translation>
    </message>
    <message>
        <source>For a &amp;Week</source>
        <translation>Bir &amp;hafta</translation>
    </message>
    <message>
        <source>Until the Price &amp;Changes</source>
        <translation>Fiyat &amp;değişene kadar</translation>
    </message>
    <message>
        <source>&amp;Unsnooze</source>
        <translation>Ertelemeyi &amp;kaldır</translation>
    </message>
    <message>
        <source>Snooze &amp;Alerts…</source>
        <translation>&amp;Uyarıları ertele…</translation>
    </message>
    <message>
        <source>Snooze or unsnooze each alert rule of the product</source>
        <translation>Ürünün her uyarı kuralını ertele ya da ertelemeyi kaldır</translation>
    </message>
    <message numerus="yes">
        <source>Changing the selected products (%n)…</source>
        <translation>
            <numerusform>Seçili ürünler değiştiriliyor (%n)…</numerusform>
        </translation>
    </message>
    <message>
        <source>Nothing was changed</source>
        <translation>Hiçbir şey değiştirilmedi</translation>
    </message>
    <message numerus="yes">
        <source>Products snoozed for a day: %n</source>
        <translation>
            <numerusform>Bir gün ertelenen ürünler: %n</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Products snoozed for a week: %n</source>
        <translation>
            <numerusform>Bir hafta ertelenen ürünler: %n</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Products snoozed until their price changes: %n</source>
        <translation>
            <numerusform>Fiyatı değişene kadar ertelenen ürünler: %n</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Products unsnoozed: %n</source>
        <translation>
            <numerusform>Ertelemesi kaldırılan ürünler: %n</numerusform>
        </translation>
    </message>
    <message>
        <source>Saved the filter “{name}”</source>
        <translation>“{name}” filtresi kaydedildi</translation>
    </message>
    <message>
        <source>Deleted the filter “{name}”</source>
        <translation>“{name}” filtresi silindi</translation>
    </message>
</context>
<context>
    <name>OutsideTasks</name>
    <message>
        <source>process {pid}</source>
        <translation>{pid} numaralı süreç</translation>
    </message>
    <message>
        <source>another host</source>
        <translation>başka bir makine</translation>
    </message>
    <message>
        <source>process {pid} on {host}</source>
        <translation>{host} üzerindeki {pid} numaralı süreç</translation>
    </message>
    <message>
        <source>&amp;Cancel Task (runs in {process})</source>
        <translation>Görevi &amp;iptal et (çalıştığı yer: {process})</translation>
    </message>
    <message>
        <source>&amp;Cancel Task</source>
        <translation>Görevi &amp;iptal et</translation>
    </message>
    <message>
        <source>Cancelling {task}</source>
        <translation>{task} iptal ediliyor</translation>
    </message>
    <message>
        <source>Cancelled {task}: it runs in {process}, which stops it within a second or two</source>
        <translation>{task} iptal edildi: {process} içinde çalışıyor, bir iki saniye içinde durdurulur</translation>
    </message>
    <message>
        <source>Cancelled {task}, queued by {process}: it will not run</source>
        <translation>{task} iptal edildi ({process} sıraya koymuştu): çalışmayacak</translation>
    </message>
</context>
<context>
    <name>PriceChart</name>
    <message>
        <source>Price ({currency})</source>
        <translation>Fiyat ({currency})</translation>
    </message>
    <message>
        <source>price</source>
        <translation>fiyat</translation>
    </message>
    <message>
        <source>Target {price}</source>
        <translation>Hedef {price}</translation>
    </message>
    <message>
        <source>Checks</source>
        <translation>Kontroller</translation>
    </message>
    <message>
        <source>Out of stock</source>
        <translation>Stokta yok</translation>
    </message>
    <message>
        <source>Back in stock</source>
        <translation>Yeniden stokta</translation>
    </message>
</context>
<context>
    <name>ProductDetail</name>
    <message>
        <source>7 d</source>
        <translation>7 g</translation>
    </message>
    <message>
        <source>30 d</source>
        <translation>30 g</translation>
    </message>
    <message>
        <source>90 d</source>
        <translation>90 g</translation>
    </message>
    <message>
        <source>All</source>
        <translation>Tümü</translation>
    </message>
    <message>
        <source>without a browser</source>
        <translation>tarayıcısız</translation>
    </message>
    <message>
        <source>in the PriceWatch browser</source>
        <translation>PriceWatch tarayıcısında</translation>
    </message>
    <message>
        <source>Show every check</source>
        <translation>Her kontrolü göster</translation>
    </message>
    <message>
        <source>Also list the checks that found the same price and stock</source>
        <translation>Aynı fiyatı ve stoku bulan kontrolleri de listele</translation>
    </message>
    <message>
        <source>Open in Browser</source>
        <translation>Tarayıcıda aç</translation>
    </message>
    <message>
        <source>Open in PriceWatch Browser</source>
        <translation>PriceWatch tarayıcısında aç</translation>
    </message>
    <message>
        <source>Log in or pass the shop&apos;s check once (later checks reuse it), or click the price to pick it</source>
        <translation>Bir kez oturum açın ya da mağazanın doğrulamasını geçin (sonraki kontroller bunu kullanır) veya seçmek için fiyata tıklayın</translation>
    </message>
    <message>
        <source>Why This Price?</source>
        <translation>Neden bu fiyat?</translation>
    </message>
    <message>
        <source>Check Now</source>
        <translation>Şimdi kontrol et</translation>
    </message>
    <message>
        <source>Edit…</source>
        <translation>Düzenle…</translation>
    </message>
    <message>
        <source>Read the page:</source>
        <translation>Sayfayı okuma biçimi:</translation>
    </message>
    <message>
        <source>last read {how}, {when}</source>
        <translation>son okuma {how}, {when}</translation>
    </message>
    <message>
        <source>The last check failed. {why}</source>
        <translation>Son kontrol başarısız oldu. {why}</translation>
    </message>
    <message>
        <source>The last check failed. PriceWatch tries again at the next check.</source>
        <translation>Son kontrol başarısız oldu. PriceWatch bir sonraki kontrolde yeniden dener.</translation>
    </message>
    <message>
        <source>{change} (was {was})</source>
        <translation>{change} (önceki {was})</translation>
    </message>
    <message>
        <source>Lowest</source>
        <translation>En düşük</translation>
    </message>
    <message>
        <source>Highest</source>
        <translation>En yüksek</translation>
    </message>
    <message>
        <source>Target</source>
        <translation>Hedef</translation>
    </message>
    <message>
        <source>Availability</source>
        <translation>Stok durumu</translation>
    </message>
    <message>
        <source>Next check</source>
        <translation>Sonraki kontrol</translation>
    </message>
    <message>
        <source>Last checked {when}</source>
        <translation>Son kontrol {when}</translation>
    </message>
    <message>
        <source>Not checked yet</source>
        <translation>Henüz kontrol edilmedi</translation>
    </message>
    <message>
        <source>All shops in {currency}, converted at the rates of {date}</source>
        <translation>Tüm mağazalar {currency} cinsinden, {date} kurlarıyla çevrildi</translation>
    </message>
    <message>
        <source>All shops in {currency}</source>
        <translation>Tüm mağazalar {currency} cinsinden</translation>
    </message>
    <message>
        <source>{shop} #{id}</source>
        <translation>{shop} no. {id}</translation>
    </message>
    <message>
        <source>Listing</source>
        <translation>İlan</translation>
    </message>
    <message>
        <source>In view: average {average} · lowest {lowest}</source>
        <translation>Görünen aralık: ortalama {average} · en düşük {lowest}</translation>
    </message>
    <message>
        <source>Use this price selector for the whole shop?</source>
        <translation>Bu fiyat seçicisi tüm mağaza için kullanılsın mı?</translation>
    </message>
    <message>
        <source>{shop} has 1 other product in PriceWatch. Read its price from the same place on the page too?</source>
        <translation>{shop} mağazasının PriceWatch&apos;ta 1 ürünü daha var. Onun fiyatı da sayfanın aynı yerinden okunsun mu?</translation>
    </message>
    <message>
        <source>{shop} has {count} other products in PriceWatch. Read their prices from the same place on the page too?</source>
        <translation>{shop} mağazasının PriceWatch&apos;ta {count} ürünü daha var. Onların fiyatları da sayfanın aynı yerinden okunsun mu?</translation>
    </message>
</context>
<context>
    <name>ProductDialog</name>
    <message>
        <source>Edit Product</source>
        <translation>Ürünü düzenle</translation>
    </message>
    <message>
        <source>Add Product</source>
        <translation>Ürün ekle</translation>
    </message>
    <message>
        <source>&amp;Look up</source>
        <translation>&amp;Sorgula</translation>
    </message>
    <message>
        <source>the page&apos;s title, or a name of your own</source>
        <translation>sayfanın başlığı ya da kendi verdiğiniz bir ad</translation>
    </message>
    <message>
        <source>optional, for example  .price-now  (when detection picks wrong)</source>
        <translation>isteğe bağlı, örneğin  .price-now  (algılama yanlış seçerse)</translation>
    </message>
    <message>
        <source>optional, for example 199.99</source>
        <translation>isteğe bağlı, örneğin 199.99</translation>
    </message>
    <message>
        <source>Pause checks</source>
        <translation>Kontrolleri duraklat</translation>
    </message>
    <message>
        <source>from the title or the page, or for example 500 g, 6 x 1.5 L</source>
        <translation>başlıktan ya da sayfadan, veya örneğin 500 g, 6 x 1.5 L</translation>
    </message>
    <message>
        <source>How much it holds, for its price per kg, litre or piece</source>
        <translation>Kg, litre ya da adet başına fiyatı için ne kadar içerdiği</translation>
    </message>
    <message>
        <source>optional: your own notes (size, colour, what it is for)</source>
        <translation>isteğe bağlı: kendi notlarınız (beden, renk, ne için olduğu)</translation>
    </message>
    <message>
        <source>Page address</source>
        <translation>Sayfa adresi</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Ad</translation>
    </message>
    <message>
        <source>Price selector</source>
        <translation>Fiyat seçicisi</translation>
    </message>
    <message>
        <source>Target price</source>
        <translation>Hedef fiyat</translation>
    </message>
    <message>
        <source>Check</source>
        <translation>Kontrol</translation>
    </message>
    <message>
        <source>Read the page</source>
        <translation>Sayfayı okuma</translation>
    </message>
    <message>
        <source>Quantity</source>
        <translation>Miktar</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>Notlar</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Kaydet</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>Ekle</translation>
    </message>
    <message>
        <source>Add Another Shop</source>
        <translation>Başka mağaza ekle</translation>
    </message>
    <message>
        <source>The address of “{name}” in another shop: its price is compared with the others.</source>
        <translation>“{name}” ürününün başka bir mağazadaki adresi: fiyatı diğerleriyle karşılaştırılır.</translation>
    </message>
    <message>
        <source>Looking up {address}…</source>
        <translation>{address} sorgulanıyor…</translation>
    </message>
    <message>
        <source>product {id} (“{name}”)</source>
        <translation>{id} numaralı ürün (“{name}”)</translation>
    </message>
    <message>
        <source>product {id}</source>
        <translation>{id} numaralı ürün</translation>
    </message>
    <message>
        <source>Already tracked as {product}</source>
        <translation>Zaten takip ediliyor: {product}</translation>
    </message>
    <message>
        <source>The same item ({sku}) is already tracked as {product} at another address</source>
        <translation>Aynı ürün ({sku}) başka bir adreste zaten takip ediliyor: {product}</translation>
    </message>
    <message>
        <source>{problem}; select it in the list and press F2 to change it.</source>
        <translation>{problem}; değiştirmek için listede seçip F2&apos;ye basın.</translation>
    </message>
    <message>
        <source>The look-up was cancelled.</source>
        <translation>Sorgu iptal edildi.</translation>
    </message>
    <message>
        <source>You can still save your changes.</source>
        <translation>Değişikliklerinizi yine de kaydedebilirsiniz.</translation>
    </message>
    <message>
        <source>You can still add the product.</source>
        <translation>Ürünü yine de ekleyebilirsiniz.</translation>
    </message>
    <message>
        <source>This shop does not answer on a secure connection (https://), so PriceWatch reads it with http://. The connection to it is not encrypted.</source>
        <translation>Bu mağaza güvenli bağlantıda (https://) yanıt vermiyor, bu yüzden PriceWatch onu http:// ile okuyor. Bağlantı şifreli değil.</translation>
    </message>
    <message>
        <source>The look-up was stopped. You can still add the product; PriceWatch checks it on its schedule.</source>
        <translation>Sorgu durduruldu. Ürünü yine de ekleyebilirsiniz; PriceWatch onu planına göre kontrol eder.</translation>
    </message>
    <message>
        <source>This page does not exist; check the address.</source>
        <translation>Bu sayfa yok; adresi kontrol edin.</translation>
    </message>
    <message>
        <source>Price selector: {problem}</source>
        <translation>Fiyat seçicisi: {problem}</translation>
    </message>
    <message>
        <source>Target price: {problem}</source>
        <translation>Hedef fiyat: {problem}</translation>
    </message>
    <message>
        <source>Quantity: %1</source>
        <translation>Miktar: %1</translation>
    </message>
    <message>
        <source>This product was removed elsewhere meanwhile; there is nothing to save.</source>
        <translation>Bu ürün bu arada başka bir yerden kaldırıldı; kaydedilecek bir şey yok.</translation>
    </message>
</context>
<context>
    <name>ProductMessages</name>
    <message>
        <source>Stop tracking “{name}”?

Its price history is deleted too.</source>
        <translation>“{name}” takibi bırakılsın mı?

Fiyat geçmişi de silinir.</translation>
    </message>
    <message>
        <source>Stop tracking {count} products?

Their price history is deleted too.</source>
        <translation>{count} ürünün takibi bırakılsın mı?

Fiyat geçmişleri de silinir.</translation>
    </message>
    <message>
        <source>Remove products</source>
        <translation>Ürünleri kaldır</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Kaldır</translation>
    </message>
    <message>
        <source>This product was removed from PriceWatch elsewhere (the command line, the API or another window), so there is nothing to check.</source>
        <translation>Bu ürün PriceWatch&apos;tan başka bir yerden kaldırıldı (komut satırı, API ya da başka bir pencere), bu yüzden kontrol edilecek bir şey yok.</translation>
    </message>
    <message>
        <source>{count} of these products were removed from PriceWatch elsewhere (the command line, the API or another window), so there is nothing to check.</source>
        <translation>Bu ürünlerden {count} tanesi PriceWatch&apos;tan başka bir yerden kaldırıldı (komut satırı, API ya da başka bir pencere), bu yüzden kontrol edilecek bir şey yok.</translation>
    </message>
    <message>
        <source>Product removed</source>
        <translation>Ürün kaldırıldı</translation>
    </message>
</context>
<context>
    <name>ProductTableModel</name>
    <message>
        <source>Product</source>
        <translation>Ürün</translation>
    </message>
    <message>
        <source>Shop</source>
        <translation>Mağaza</translation>
    </message>
    <message>
        <source>Price</source>
        <translation>Fiyat</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>Değişim</translation>
    </message>
    <message>
        <source>Lowest</source>
        <translation>En düşük</translation>
    </message>
    <message>
        <source>Highest</source>
        <translation>En yüksek</translation>
    </message>
    <message>
        <source>Target</source>
        <translation>Hedef</translation>
    </message>
    <message>
        <source>Availability</source>
        <translation>Stok durumu</translation>
    </message>
    <message>
        <source>Last checked</source>
        <translation>Son kontrol</translation>
    </message>
    <message>
        <source>Next check</source>
        <translation>Sonraki kontrol</translation>
    </message>
    <message>
        <source>History</source>
        <translation>Geçmiş</translation>
    </message>
    <message>
        <source>Deal</source>
        <translation>Fırsat</translation>
    </message>
    <message>
        <source>Tags</source>
        <translation>Etiketler</translation>
    </message>
    <message>
        <source>All shops</source>
        <translation>Tüm mağazalar</translation>
    </message>
    <message>
        <source>Unsure reading: the page does not state this price clearly, so it fires no alert on its own</source>
        <translation>Kesin olmayan okuma: sayfa bu fiyatı açıkça belirtmiyor, bu yüzden tek başına uyarı tetiklemez</translation>
    </message>
    <message>
        <source>Sorts by currency, then amount (amounts in different currencies do not compare)</source>
        <translation>Önce para birimine, sonra tutara göre sıralar (farklı para birimlerindeki tutarlar karşılaştırılamaz)</translation>
    </message>
    <message>
        <source>SKU {sku}</source>
        <translation>Stok kodu {sku}</translation>
    </message>
    <message>
        <source>chosen offer</source>
        <translation>seçilen teklif</translation>
    </message>
    <message>
        <source>soon</source>
        <translation>birazdan</translation>
    </message>
    <message>
        <source>Retrying at {time}</source>
        <translation>{time} saatinde yeniden denenecek</translation>
    </message>
    <message>
        <source>The last try failed: {error}
Next try at {time}</source>
        <translation>Son deneme başarısız oldu: {error}
Sonraki deneme: {time}</translation>
    </message>
    <message>
        <source>Failed: {error}</source>
        <translation>Başarısız: {error}</translation>
    </message>
    <message>
        <source>Paused: not checked until you resume it</source>
        <translation>Duraklatıldı: siz devam ettirene kadar kontrol edilmez</translation>
    </message>
    <message>
        <source>Variant: {variant}</source>
        <translation>Seçenek: {variant}</translation>
    </message>
    <message>
        <source>Last error: {error}</source>
        <translation>Son hata: {error}</translation>
    </message>
</context>
<context>
    <name>ProductTags</name>
    <message>
        <source>Snoozed</source>
        <translation>Ertelendi</translation>
    </message>
    <message>
        <source>Snoozed: its notifications, or some of its rules&apos;, are held back (right-click to unsnooze)</source>
        <translation>Ertelendi: bildirimleri ya da bazı kurallarınınkiler bekletiliyor (ertelemeyi kaldırmak için sağ tıklayın)</translation>
    </message>
</context>
<context>
    <name>ProductsPanel</name>
    <message>
        <source>Search products by name, shop or address  (Ctrl+F)</source>
        <translation>Ürünleri ada, mağazaya ya da adrese göre ara  (Ctrl+F)</translation>
    </message>
    <message>
        <source>Search products</source>
        <translation>Ürün ara</translation>
    </message>
    <message>
        <source>&lt;h3&gt;No products yet&lt;/h3&gt;&lt;p&gt;Add one with &lt;b&gt;Add product&lt;/b&gt; (Ctrl+N),&lt;br&gt;or copy a product page&apos;s address and press &lt;b&gt;Ctrl+V&lt;/b&gt; here.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Henüz ürün yok&lt;/h3&gt;&lt;p&gt;&lt;b&gt;Ürün ekle&lt;/b&gt; ile bir ürün ekleyin (Ctrl+N)&lt;br&gt;ya da bir ürün sayfasının adresini kopyalayıp burada &lt;b&gt;Ctrl+V&lt;/b&gt; tuşlarına basın.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>No product matches “{typed}”.
Search looks in names, shops and addresses; press Esc to clear it.</source>
        <translation>“{typed}” ile eşleşen ürün yok.
Arama adlara, mağazalara ve adreslere bakar; temizlemek için Esc&apos;ye basın.</translation>
    </message>
    <message>
        <source>No product matches this filter.
Choose “All products” to see every product.</source>
        <translation>Bu filtreye uyan ürün yok.
Her ürünü görmek için “Tüm ürünler”i seçin.</translation>
    </message>
</context>
<context>
    <name>QuietHours</name>
    <message>
        <source>Hold notifications back during quiet hours</source>
        <translation>Sessiz saatlerde bildirimleri beklet</translation>
    </message>
    <message>
        <source>from</source>
        <translation>başlangıç</translation>
    </message>
    <message>
        <source>until</source>
        <translation>bitiş</translation>
    </message>
</context>
<context>
    <name>RuleChoice</name>
    <message>
        <source>The price drops</source>
        <translation>Fiyat düştüğünde</translation>
    </message>
    <message>
        <source>The price rises</source>
        <translation>Fiyat yükseldiğinde</translation>
    </message>
    <message>
        <source>It is back in stock</source>
        <translation>Yeniden stoka girdiğinde</translation>
    </message>
    <message>
        <source>It runs out of stock</source>
        <translation>Tükendiğinde</translation>
    </message>
    <message>
        <source>It is the lowest price in 30 days</source>
        <translation>Son 30 günün en düşük fiyatı olduğunda</translation>
    </message>
    <message>
        <source>Tell me when</source>
        <translation>Bana haber ver:</translation>
    </message>
</context>
<context>
    <name>RuleSnoozeDialog</name>
    <message>
        <source>Snooze Alerts</source>
        <translation>Uyarıları ertele</translation>
    </message>
    <message>
        <source>Every notification:</source>
        <translation>Her bildirim:</translation>
    </message>
    <message>
        <source>This product has no alert rules.</source>
        <translation>Bu ürünün uyarı kuralı yok.</translation>
    </message>
    <message>
        <source>not snoozed</source>
        <translation>ertelenmedi</translation>
    </message>
    <message>
        <source>Snooze for a day</source>
        <translation>Bir gün ertele</translation>
    </message>
    <message>
        <source>Snooze for a week</source>
        <translation>Bir hafta ertele</translation>
    </message>
    <message>
        <source>Snooze until the price changes</source>
        <translation>Fiyat değişene kadar ertele</translation>
    </message>
    <message>
        <source>Unsnooze</source>
        <translation>Ertelemeyi kaldır</translation>
    </message>
</context>
<context>
    <name>SaveFilterDialog</name>
    <message>
        <source>Save Filter</source>
        <translation>Filtreyi kaydet</translation>
    </message>
    <message>
        <source>e.g. Kitchen deals</source>
        <translation>örn. Mutfak fırsatları</translation>
    </message>
    <message>
        <source>any shop (or e.g. shop.example)</source>
        <translation>her mağaza (ya da örn. shop.example)</translation>
    </message>
    <message>
        <source>At or below the target price</source>
        <translation>Hedef fiyata eşit ya da altında</translation>
    </message>
    <message>
        <source>In stock</source>
        <translation>Stokta</translation>
    </message>
    <message>
        <source>Price dropped in the last seven days</source>
        <translation>Fiyat son yedi günde düştü</translation>
    </message>
    <message>
        <source>Newest reading is unsure</source>
        <translation>En yeni okuma belirsiz</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>&amp;Ad:</translation>
    </message>
    <message>
        <source>&amp;Tag:</source>
        <translation>&amp;Etiket:</translation>
    </message>
    <message>
        <source>S&amp;hop:</source>
        <translation>&amp;Mağaza:</translation>
    </message>
    <message>
        <source>Choose at least one condition.</source>
        <translation>En az bir koşul seçin.</translation>
    </message>
</context>
<context>
    <name>Schedule</name>
    <message>
        <source>paused</source>
        <translation>duraklatıldı</translation>
    </message>
    <message>
        <source>not scheduled</source>
        <translation>planlanmadı</translation>
    </message>
    <message>
        <source>checks paused</source>
        <translation>kontroller duraklatıldı</translation>
    </message>
    <message>
        <source>scheduler off</source>
        <translation>zamanlayıcı kapalı</translation>
    </message>
</context>
<context>
    <name>SchemaWatch</name>
    <message>
        <source>PriceWatch was updated</source>
        <translation>PriceWatch güncellendi</translation>
    </message>
    <message>
        <source>A newer PriceWatch upgraded the database while this window was open (schema version {old} → {new}).

This window can no longer save anything: checks, edits and scheduled runs would fail. Restart PriceWatch to continue with the new version.</source>
        <translation>Bu pencere açıkken daha yeni bir PriceWatch veritabanını güncelledi (şema sürümü {old} → {new}).

Bu pencere artık hiçbir şey kaydedemez: kontroller, düzenlemeler ve zamanlanmış çalıştırmalar başarısız olur. Yeni sürümle devam etmek için PriceWatch&apos;ı yeniden başlatın.</translation>
    </message>
    <message>
        <source>Restart PriceWatch</source>
        <translation>PriceWatch&apos;ı yeniden başlat</translation>
    </message>
    <message>
        <source>Later</source>
        <translation>Sonra</translation>
    </message>
    <message>
        <source>(restart PriceWatch first: it was updated)</source>
        <translation>(önce PriceWatch&apos;ı yeniden başlatın: güncellendi)</translation>
    </message>
</context>
<context>
    <name>SelectorCheck</name>
    <message>
        <source>Not a valid CSS selector: {detail}</source>
        <translation>Geçerli bir CSS seçicisi değil: {detail}</translation>
    </message>
    <message>
        <source>Not a valid CSS selector.</source>
        <translation>Geçerli bir CSS seçicisi değil.</translation>
    </message>
</context>
<context>
    <name>Settings</name>
    <message>
        <source>Check each new product every</source>
        <translation>Her yeni ürünü kontrol etme sıklığı</translation>
    </message>
    <message>
        <source> min</source>
        <translation> dk</translation>
    </message>
    <message>
        <source>How often a product is checked unless you set its own interval</source>
        <translation>Kendi aralığını belirlemediğiniz bir ürünün ne sıklıkla kontrol edildiği</translation>
    </message>
    <message>
        <source>Hourly check at minute</source>
        <translation>Saatlik kontrol dakikası</translation>
    </message>
    <message>
        <source>Look for products due every</source>
        <translation>Sırası gelen ürünlere bakma sıklığı</translation>
    </message>
    <message>
        <source>How often PriceWatch wakes up to check the products that are due</source>
        <translation>PriceWatch&apos;ın sırası gelen ürünleri kontrol etmek için ne sıklıkla uyandığı</translation>
    </message>
    <message>
        <source>Random delay up to</source>
        <translation>En fazla rastgele gecikme</translation>
    </message>
    <message>
        <source> s</source>
        <translation> sn</translation>
    </message>
    <message>
        <source>Spreads checks over time</source>
        <translation>Kontrolleri zamana yayar</translation>
    </message>
    <message>
        <source>Daily clean-up at hour</source>
        <translation>Günlük temizlik saati</translation>
    </message>
    <message>
        <source>Daily clean-up at minute</source>
        <translation>Günlük temizlik dakikası</translation>
    </message>
    <message>
        <source>Cache clean-up every</source>
        <translation>Önbellek temizliği sıklığı</translation>
    </message>
    <message>
        <source> h</source>
        <translation> sa</translation>
    </message>
    <message>
        <source>Pause scheduled checks</source>
        <translation>Zamanlanmış kontrolleri duraklat</translation>
    </message>
    <message>
        <source>User agent</source>
        <translation>Kullanıcı aracısı</translation>
    </message>
    <message>
        <source>How PriceWatch introduces itself to shops</source>
        <translation>PriceWatch&apos;ın kendini mağazalara nasıl tanıttığı</translation>
    </message>
    <message>
        <source>Connect timeout</source>
        <translation>Bağlantı zaman aşımı</translation>
    </message>
    <message>
        <source>Read timeout</source>
        <translation>Okuma zaman aşımı</translation>
    </message>
    <message>
        <source>Give up a page after</source>
        <translation>Bir sayfadan vazgeçme süresi</translation>
    </message>
    <message>
        <source>Largest page</source>
        <translation>En büyük sayfa</translation>
    </message>
    <message>
        <source> MB</source>
        <translation> MB</translation>
    </message>
    <message>
        <source>Requests at once per shop</source>
        <translation>Mağaza başına eşzamanlı istek</translation>
    </message>
    <message>
        <source>Pause between requests to a shop</source>
        <translation>Bir mağazaya yapılan istekler arası bekleme</translation>
    </message>
    <message>
        <source>Respect robots.txt</source>
        <translation>robots.txt&apos;ye uy</translation>
    </message>
    <message>
        <source>Show product images</source>
        <translation>Ürün resimlerini göster</translation>
    </message>
    <message>
        <source>Fetches each product&apos;s picture once</source>
        <translation>Her ürünün resmini bir kez indirir</translation>
    </message>
    <message>
        <source>Proxy</source>
        <translation>Vekil sunucu</translation>
    </message>
    <message>
        <source>http://host:port or socks5://host:port; empty: none</source>
        <translation>http://sunucu:port ya da socks5://sunucu:port; boş: yok</translation>
    </message>
    <message>
        <source>Use a browser for shops that need one</source>
        <translation>Gerektiren mağazalar için tarayıcı kullan</translation>
    </message>
    <message>
        <source>Pages built by scripts</source>
        <translation>Betiklerle oluşturulan sayfalar</translation>
    </message>
    <message>
        <source>Pages rendered at once</source>
        <translation>Aynı anda işlenen sayfa</translation>
    </message>
    <message>
        <source>Pages waiting at most</source>
        <translation>En fazla bekleyen sayfa</translation>
    </message>
    <message>
        <source>Give up a rendered page after</source>
        <translation>İşlenen bir sayfadan vazgeçme süresi</translation>
    </message>
    <message>
        <source>Restart the browser after</source>
        <translation>Tarayıcıyı yeniden başlatma sınırı</translation>
    </message>
    <message>
        <source> pages</source>
        <translation> sayfa</translation>
    </message>
    <message>
        <source>Restart the browser above</source>
        <translation>Tarayıcıyı yeniden başlatma bellek sınırı</translation>
    </message>
    <message>
        <source>Browser user agent</source>
        <translation>Tarayıcının kullanıcı aracısı</translation>
    </message>
    <message>
        <source>Empty: the browser&apos;s own, naming PriceWatch</source>
        <translation>Boş: tarayıcının kendisininki, PriceWatch adını içerir</translation>
    </message>
    <message>
        <source>Run tasks</source>
        <translation>Görevleri çalıştır</translation>
    </message>
    <message>
        <source>Applies after a restart</source>
        <translation>Yeniden başlatınca geçerli olur</translation>
    </message>
    <message>
        <source>Default queue workers</source>
        <translation>Varsayılan kuyruk çalışanları</translation>
    </message>
    <message>
        <source>Scraping queue workers</source>
        <translation>Sayfa okuma kuyruğu çalışanları</translation>
    </message>
    <message>
        <source>Notification queue workers</source>
        <translation>Bildirim kuyruğu çalışanları</translation>
    </message>
    <message>
        <source>Retries for temporary errors</source>
        <translation>Geçici hatalarda yeniden deneme</translation>
    </message>
    <message>
        <source>First retry after about</source>
        <translation>İlk yeniden deneme yaklaşık</translation>
    </message>
    <message>
        <source>Doubles each time, with jitter</source>
        <translation>Her seferinde rastgele sapmayla iki katına çıkar</translation>
    </message>
    <message>
        <source>Longest wait between retries</source>
        <translation>Denemeler arası en uzun bekleme</translation>
    </message>
    <message>
        <source>Keep finished tasks for</source>
        <translation>Biten görevleri saklama süresi</translation>
    </message>
    <message>
        <source> days</source>
        <translation> gün</translation>
    </message>
    <message>
        <source>Read pages in separate processes</source>
        <translation>Sayfaları ayrı süreçlerde oku</translation>
    </message>
    <message>
        <source>One per core</source>
        <translation>Çekirdek başına bir</translation>
    </message>
    <message>
        <source>Task lease</source>
        <translation>Görev kirası</translation>
    </message>
    <message>
        <source>Another computer&apos;s unfinished tasks are taken over after this long without a sign of life</source>
        <translation>Başka bir bilgisayarın bitmemiş görevleri bu süre boyunca yaşam belirtisi gelmezse devralınır</translation>
    </message>
    <message>
        <source>Sign of life every</source>
        <translation>Yaşam belirtisi sıklığı</translation>
    </message>
    <message>
        <source>At most a third of the lease</source>
        <translation>En fazla kira süresinin üçte biri</translation>
    </message>
    <message>
        <source>Celery broker</source>
        <translation>Celery aracısı</translation>
    </message>
    <message>
        <source>redis://host:6379/0, or amqp://user:password@host:5672// for RabbitMQ</source>
        <translation>redis://sunucu:6379/0 ya da RabbitMQ için amqp://kullanici:parola@sunucu:5672//</translation>
    </message>
    <message>
        <source>Celery results (Redis)</source>
        <translation>Celery sonuçları (Redis)</translation>
    </message>
    <message>
        <source>Where workers put results and keep the pauses between requests to a shop; empty: the broker when it is Redis</source>
        <translation>Çalışanların sonuçları koyduğu ve bir mağazaya yapılan istekler arasındaki beklemeleri tuttuğu yer; boş: Redis ise aracı</translation>
    </message>
    <message>
        <source>RabbitMQ queues</source>
        <translation>RabbitMQ kuyrukları</translation>
    </message>
    <message>
        <source>Quorum queues survive a broker restart; classic ones are lighter</source>
        <translation>Quorum kuyrukları aracının yeniden başlatılmasından etkilenmez; klasik kuyruklar daha hafiftir</translation>
    </message>
    <message>
        <source>Checks waiting on workers at most</source>
        <translation>Çalışanlarda bekleyen en fazla kontrol</translation>
    </message>
    <message>
        <source>Check here when no worker takes it within</source>
        <translation>Hiçbir çalışan şu sürede almazsa burada kontrol et</translation>
    </message>
    <message>
        <source>Keep cached pages</source>
        <translation>Önbellekteki sayfaları tutma yeri</translation>
    </message>
    <message>
        <source>Redis address</source>
        <translation>Redis adresi</translation>
    </message>
    <message>
        <source>Used when cached pages are kept in Redis</source>
        <translation>Önbellekteki sayfalar Redis&apos;te tutulduğunda kullanılır</translation>
    </message>
    <message>
        <source>Redis key prefix</source>
        <translation>Redis anahtar öneki</translation>
    </message>
    <message>
        <source>Lets several programs share one Redis</source>
        <translation>Birden çok programın tek bir Redis&apos;i paylaşmasını sağlar</translation>
    </message>
    <message>
        <source>Cached pages</source>
        <translation>Önbellekteki sayfa</translation>
    </message>
    <message>
        <source>Keep cached pages for</source>
        <translation>Önbellekteki sayfaları saklama süresi</translation>
    </message>
    <message>
        <source>Cache size limit</source>
        <translation>Önbellek boyut sınırı</translation>
    </message>
    <message>
        <source>Memory for cached pages; 0: no limit</source>
        <translation>Önbellekteki sayfalar için bellek; 0: sınırsız</translation>
    </message>
    <message>
        <source>Desktop notifications</source>
        <translation>Masaüstü bildirimleri</translation>
    </message>
    <message>
        <source>Tray messages</source>
        <translation>Sistem tepsisi iletileri</translation>
    </message>
    <message>
        <source>Other services (Apprise)</source>
        <translation>Diğer hizmetler (Apprise)</translation>
    </message>
    <message>
        <source>Phone, e-mail or chat through Apprise: one address per line, for example ntfy://topic</source>
        <translation>Apprise ile telefon, e-posta ya da sohbet: her satıra bir adres, örneğin ntfy://konu</translation>
    </message>
    <message>
        <source>Quiet hours from</source>
        <translation>Sessiz saatler başlangıcı</translation>
    </message>
    <message>
        <source>HH:MM; empty: no quiet hours</source>
        <translation>SS:DD; boş: sessiz saat yok</translation>
    </message>
    <message>
        <source>Quiet hours until</source>
        <translation>Sessiz saatler bitişi</translation>
    </message>
    <message>
        <source>HH:MM</source>
        <translation>SS:DD</translation>
    </message>
    <message>
        <source>Alerts for new products</source>
        <translation>Yeni ürünler için uyarılar</translation>
    </message>
    <message>
        <source>One per line: any_drop, price_increase, back_in_stock, out_of_stock, lowest_in_days</source>
        <translation>Her satıra bir tane: any_drop, price_increase, back_in_stock, out_of_stock, lowest_in_days</translation>
    </message>
    <message>
        <source>Notifications per product a day</source>
        <translation>Ürün başına günlük bildirim</translation>
    </message>
    <message>
        <source>0: no limit</source>
        <translation>0: sınırsız</translation>
    </message>
    <message>
        <source>Enable the local API</source>
        <translation>Yerel API&apos;yi etkinleştir</translation>
    </message>
    <message>
        <source>Listen on</source>
        <translation>Dinlenen adres</translation>
    </message>
    <message>
        <source>127.0.0.1 keeps it on this computer</source>
        <translation>127.0.0.1 onu bu bilgisayarda tutar</translation>
    </message>
    <message>
        <source>Port</source>
        <translation>Bağlantı noktası</translation>
    </message>
    <message>
        <source>Largest request</source>
        <translation>En büyük istek</translation>
    </message>
    <message>
        <source> KB</source>
        <translation> KB</translation>
    </message>
    <message>
        <source>Closing the window keeps PriceWatch in the tray</source>
        <translation>Pencere kapatılınca PriceWatch sistem tepsisinde kalır</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Dil</translation>
    </message>
    <message>
        <source>Exchange rates from</source>
        <translation>Döviz kurlarının kaynağı</translation>
    </message>
    <message>
        <source>A daily reference-rate file in the European Central Bank&apos;s format (its own by default)</source>
        <translation>Avrupa Merkez Bankası biçiminde günlük referans kur dosyası (varsayılan olarak bankanın kendi dosyası)</translation>
    </message>
    <message>
        <source>Fetch the rates daily at hour</source>
        <translation>Kurları her gün şu saatte al</translation>
    </message>
    <message>
        <source>Local time</source>
        <translation>Yerel saat</translation>
    </message>
    <message>
        <source>Rates are out of date after</source>
        <translation>Kurlar şu süreden sonra eskir</translation>
    </message>
    <message>
        <source>The bank publishes on working days only</source>
        <translation>Banka yalnızca iş günlerinde yayımlar</translation>
    </message>
    <message>
        <source>In background threads</source>
        <translation>Arka plan iş parçacıklarında</translation>
    </message>
    <message>
        <source>One at a time, in the calling thread (debugging)</source>
        <translation>Tek tek, çağıran iş parçacığında (hata ayıklama)</translation>
    </message>
    <message>
        <source>Page reads on Celery workers</source>
        <translation>Sayfa okumaları Celery çalışanlarında</translation>
    </message>
    <message>
        <source>Quorum queues</source>
        <translation>Quorum kuyrukları</translation>
    </message>
    <message>
        <source>Classic queues</source>
        <translation>Klasik kuyruklar</translation>
    </message>
    <message>
        <source>In this program&apos;s memory</source>
        <translation>Bu programın belleğinde</translation>
    </message>
    <message>
        <source>In Redis (shared with other programs)</source>
        <translation>Redis&apos;te (başka programlarla paylaşılan)</translation>
    </message>
    <message>
        <source>As the system is set</source>
        <translation>Sistemdeki gibi</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Checks</source>
        <translation>Kontroller</translation>
    </message>
    <message>
        <source>Notifications</source>
        <translation>Bildirimler</translation>
    </message>
    <message>
        <source>Window</source>
        <translation>Pencere</translation>
    </message>
    <message>
        <source>Schedule details</source>
        <translation>Zamanlama ayrıntıları</translation>
    </message>
    <message>
        <source>Fetching pages and politeness towards shops</source>
        <translation>Sayfa indirme ve mağazalara karşı nezaket</translation>
    </message>
    <message>
        <source>Shops that need a browser</source>
        <translation>Tarayıcı gerektiren mağazalar</translation>
    </message>
    <message>
        <source>Background tasks (engine)</source>
        <translation>Arka plan görevleri (motor)</translation>
    </message>
    <message>
        <source>Page cache</source>
        <translation>Sayfa önbelleği</translation>
    </message>
    <message>
        <source>Local HTTP API</source>
        <translation>Yerel HTTP API&apos;si</translation>
    </message>
    <message>
        <source>Exchange rates</source>
        <translation>Döviz kurları</translation>
    </message>
    <message>
        <source>PriceWatch Settings</source>
        <translation>PriceWatch Ayarları</translation>
    </message>
    <message>
        <source>General</source>
        <translation>Genel</translation>
    </message>
    <message>
        <source>Advanced</source>
        <translation>Gelişmiş</translation>
    </message>
    <message>
        <source>Data</source>
        <translation>Veriler</translation>
    </message>
    <message>
        <source>Send a Test Notification</source>
        <translation>Deneme bildirimi gönder</translation>
    </message>
    <message>
        <source>Through every channel switched on above, as set here (before saving)</source>
        <translation>Yukarıda açık olan her kanaldan, buradaki ayarlarla (kaydetmeden önce)</translation>
    </message>
    <message>
        <source>Quiet hours</source>
        <translation>Sessiz saatler</translation>
    </message>
    <message>
        <source>The alerts every new product starts with (window, CLI, API or import)</source>
        <translation>Her yeni ürünün başladığı uyarılar (pencere, komut satırı, API ya da içe aktarma)</translation>
    </message>
    <message>
        <source>New products</source>
        <translation>Yeni ürünler</translation>
    </message>
    <message>
        <source>Language and region</source>
        <translation>Dil ve bölge</translation>
    </message>
    <message>
        <source>A new language applies after PriceWatch restarts.</source>
        <translation>Yeni dil PriceWatch yeniden başlatılınca geçerli olur.</translation>
    </message>
    <message>
        <source>These rarely need changing. Hover over a field for what it does.</source>
        <translation>Bunların nadiren değiştirilmesi gerekir. Ne işe yaradığını görmek için fareyi bir alanın üzerinde tutun.</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>Göster</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Kopyala</translation>
    </message>
    <message>
        <source>Regenerate</source>
        <translation>Yeniden oluştur</translation>
    </message>
    <message>
        <source>Access token</source>
        <translation>Erişim belirteci</translation>
    </message>
    <message>
        <source>Running at {address}</source>
        <translation>{address} adresinde çalışıyor</translation>
    </message>
    <message>
        <source>Not running</source>
        <translation>Çalışmıyor</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Durum</translation>
    </message>
    <message>
        <source>Add the page you are on to PriceWatch from your web browser</source>
        <translation>Bulunduğunuz sayfayı web tarayıcınızdan PriceWatch&apos;a ekleyin</translation>
    </message>
    <message>
        <source>Available while the API runs</source>
        <translation>API çalışırken kullanılabilir</translation>
    </message>
    <message>
        <source>Bookmarklet</source>
        <translation>Yer imi betiği</translation>
    </message>
    <message>
        <source>Data folder</source>
        <translation>Veri klasörü</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Ayarlar</translation>
    </message>
    <message>
        <source>Cache</source>
        <translation>Önbellek</translation>
    </message>
    <message>
        <source>Logs</source>
        <translation>Günlükler</translation>
    </message>
    <message>
        <source>Database</source>
        <translation>Veritabanı</translation>
    </message>
    <message>
        <source>Hide</source>
        <translation>Gizle</translation>
    </message>
    <message>
        <source>Regenerate the access token?</source>
        <translation>Erişim belirteci yeniden oluşturulsun mu?</translation>
    </message>
    <message>
        <source>A new access token will replace the current one when you press Save. Scripts and tools that use the current token will then be refused until you give them the new one.</source>
        <translation>Kaydet&apos;e bastığınızda yeni bir erişim belirteci şimdikinin yerini alır. Şimdiki belirteci kullanan betikler ve araçlar, onlara yenisini verene kadar reddedilir.</translation>
    </message>
    <message>
        <source>Make a New Token</source>
        <translation>Yeni belirteç oluştur</translation>
    </message>
    <message>
        <source>New token: it replaces the current one when you press Save (Cancel keeps it).</source>
        <translation>Yeni belirteç: Kaydet&apos;e bastığınızda şimdikinin yerini alır (İptal eskisini korur).</translation>
    </message>
    <message>
        <source>Sending…</source>
        <translation>Gönderiliyor…</translation>
    </message>
    <message>
        <source>{label}: use HH:MM, for example 22:00</source>
        <translation>{label}: SS:DD biçiminde yazın, örneğin 22:00</translation>
    </message>
    <message>
        <source>Quiet hours need both a start and an end</source>
        <translation>Sessiz saatlerin hem başlangıcı hem bitişi olmalı</translation>
    </message>
    <message>
        <source>The user agent cannot be empty</source>
        <translation>Kullanıcı aracısı boş olamaz</translation>
    </message>
    <message>
        <source>Sign of life every {beat} s: at most a third of the task lease ({lease} s)</source>
        <translation>Yaşam belirtisi {beat} sn&apos;de bir: en fazla görev kirasının üçte biri ({lease} sn)</translation>
    </message>
    <message>
        <source>The API needs an address to listen on</source>
        <translation>API&apos;nin dinleyeceği bir adres gerekli</translation>
    </message>
    <message>
        <source>The API could not start: {error}</source>
        <translation>API başlatılamadı: {error}</translation>
    </message>
</context>
<context>
    <name>ShopActions</name>
    <message>
        <source> ({count} shops)</source>
        <translation> ({count} mağaza)</translation>
    </message>
    <message>
        <source>There is no other product to merge with</source>
        <translation>Birleştirilecek başka ürün yok</translation>
    </message>
    <message>
        <source>Merge With…</source>
        <translation>Şununla birleştir…</translation>
    </message>
    <message>
        <source>The same item as this product:</source>
        <translation>Bu ürünle aynı ürün:</translation>
    </message>
    <message>
        <source>The listing is a product of its own again</source>
        <translation>İlan yeniden ayrı bir ürün</translation>
    </message>
    <message>
        <source>Added another shop; checking its price…</source>
        <translation>Başka bir mağaza eklendi; fiyatı kontrol ediliyor…</translation>
    </message>
    <message>
        <source>Merged: one product in {count} shops</source>
        <translation>Birleştirildi: {count} mağazada tek ürün</translation>
    </message>
</context>
<context>
    <name>Snoozes</name>
    <message>
        <source>Price at or below {amount}</source>
        <translation>Fiyat {amount} ya da altında</translation>
    </message>
    <message>
        <source>Drop of at least {percent} %</source>
        <translation>En az % {percent} düşüş</translation>
    </message>
    <message>
        <source>Drop of at least {amount}</source>
        <translation>En az {amount} düşüş</translation>
    </message>
    <message>
        <source>Any price drop</source>
        <translation>Her fiyat düşüşü</translation>
    </message>
    <message>
        <source>Any price increase</source>
        <translation>Her fiyat artışı</translation>
    </message>
    <message>
        <source>Back in stock</source>
        <translation>Yeniden stokta</translation>
    </message>
    <message>
        <source>Out of stock</source>
        <translation>Stokta yok</translation>
    </message>
    <message>
        <source>Lowest price of the last {days} days</source>
        <translation>Son {days} günün en düşük fiyatı</translation>
    </message>
    <message>
        <source>Cheapest shop at or below {home}</source>
        <translation>En ucuz mağaza {home} ya da altında</translation>
    </message>
    <message>
        <source>snoozed until the price changes</source>
        <translation>fiyat değişene kadar ertelendi</translation>
    </message>
    <message>
        <source>snoozed until {when}</source>
        <translation>{when} tarihine kadar ertelendi</translation>
    </message>
</context>
<context>
    <name>StatusBar</name>
    <message>
        <source>1 product</source>
        <translation>1 ürün</translation>
    </message>
    <message>
        <source>{total} products</source>
        <translation>{total} ürün</translation>
    </message>
    <message>
        <source>{shown} of 1 product</source>
        <translation>1 üründen {shown} tanesi</translation>
    </message>
    <message>
        <source>{shown} of {total} products</source>
        <translation>{total} üründen {shown} tanesi</translation>
    </message>
    <message>
        <source>Scheduled checks stopped</source>
        <translation>Zamanlanmış kontroller durdu</translation>
    </message>
    <message>
        <source>Scheduled checks paused</source>
        <translation>Zamanlanmış kontroller duraklatıldı</translation>
    </message>
    <message>
        <source>Next check {when}</source>
        <translation>Sonraki kontrol {when}</translation>
    </message>
    <message>
        <source>Next check: {time}</source>
        <translation>Sonraki kontrol: {time}</translation>
    </message>
    <message>
        <source>none due</source>
        <translation>sırası gelen yok</translation>
    </message>
    <message>
        <source>Next check: {reason}</source>
        <translation>Sonraki kontrol: {reason}</translation>
    </message>
    <message>
        <source>⚠ {schedule} · last run failed</source>
        <translation>⚠ {schedule} · son çalıştırma başarısız</translation>
    </message>
    <message>
        <source>Checks on workers</source>
        <translation>Kontroller çalışanlarda</translation>
    </message>
    <message>
        <source>Checks here, not on workers</source>
        <translation>Kontroller burada, çalışanlarda değil</translation>
    </message>
    <message>
        <source>Connecting to the workers</source>
        <translation>Çalışanlara bağlanılıyor</translation>
    </message>
    <message>
        <source>PriceWatch was updated — Restart</source>
        <translation>PriceWatch güncellendi — Yeniden başlat</translation>
    </message>
    <message>
        <source>A newer PriceWatch upgraded the database; this window can no longer save anything</source>
        <translation>Daha yeni bir PriceWatch veritabanını güncelledi; bu pencere artık hiçbir şey kaydedemez</translation>
    </message>
</context>
<context>
    <name>Stock</name>
    <message>
        <source>In stock</source>
        <translation>Stokta</translation>
    </message>
    <message>
        <source>Out of stock</source>
        <translation>Stokta yok</translation>
    </message>
    <message>
        <source>Pre-order</source>
        <translation>Ön siparişte</translation>
    </message>
    <message>
        <source>Back-order</source>
        <translation>Tedarik bekleniyor</translation>
    </message>
    <message>
        <source>Stock not stated</source>
        <translation>Stok belirtilmemiş</translation>
    </message>
</context>
<context>
    <name>TaskActivity</name>
    <message>
        <source>Checking {}</source>
        <translation>{} kontrol ediliyor</translation>
    </message>
    <message>
        <source>Checking a product</source>
        <translation>Bir ürün kontrol ediliyor</translation>
    </message>
    <message>
        <source>Checking prices</source>
        <translation>Fiyatlar kontrol ediliyor</translation>
    </message>
    <message>
        <source>Looking up {}</source>
        <translation>{} sorgulanıyor</translation>
    </message>
    <message>
        <source>Looking up pages</source>
        <translation>Sayfalar sorgulanıyor</translation>
    </message>
    <message>
        <source>Cleaning up old data</source>
        <translation>Eski veriler temizleniyor</translation>
    </message>
    <message>
        <source>Clearing old cached pages</source>
        <translation>Önbellekteki eski sayfalar temizleniyor</translation>
    </message>
    <message>
        <source>Notifying: {}</source>
        <translation>Bildiriliyor: {}</translation>
    </message>
    <message>
        <source>Sending a notification</source>
        <translation>Bir bildirim gönderiliyor</translation>
    </message>
    <message>
        <source>Sending notifications</source>
        <translation>Bildirimler gönderiliyor</translation>
    </message>
    <message>
        <source>Sending notifications held in quiet hours</source>
        <translation>Sessiz saatlerde bekletilen bildirimler gönderiliyor</translation>
    </message>
    <message>
        <source>Sending held notifications</source>
        <translation>Bekletilen bildirimler gönderiliyor</translation>
    </message>
    <message>
        <source>Fetching the picture of {}</source>
        <translation>{} resmi indiriliyor</translation>
    </message>
    <message>
        <source>Fetching a picture</source>
        <translation>Bir resim indiriliyor</translation>
    </message>
    <message>
        <source>Reading {}</source>
        <translation>{} okunuyor</translation>
    </message>
    <message>
        <source>a page</source>
        <translation>bir sayfa</translation>
    </message>
    <message>
        <source>Checking every product</source>
        <translation>Tüm ürünler kontrol ediliyor</translation>
    </message>
    <message>
        <source>Checking the products that are due</source>
        <translation>Sırası gelen ürünler kontrol ediliyor</translation>
    </message>
</context>
<context>
    <name>TaskColumns</name>
    <message>
        <source>Activity</source>
        <translation>Etkinlik</translation>
    </message>
    <message>
        <source>Task</source>
        <translation>Görev</translation>
    </message>
    <message>
        <source>Product or URL</source>
        <translation>Ürün ya da adres</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>Kuyruk</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Durum</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>İlerleme</translation>
    </message>
    <message>
        <source>Retries</source>
        <translation>Yeniden denemeler</translation>
    </message>
    <message>
        <source>Queued</source>
        <translation>Sırada</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>Başladı</translation>
    </message>
    <message>
        <source>Finished</source>
        <translation>Bitti</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>Süre</translation>
    </message>
    <message>
        <source>Result or error</source>
        <translation>Sonuç ya da hata</translation>
    </message>
    <message>
        <source>Running</source>
        <translation>Çalışıyor</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Tamamlandı</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Başarısız</translation>
    </message>
    <message>
        <source>Retrying</source>
        <translation>Yeniden deneniyor</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>İptal edildi</translation>
    </message>
    <message>
        <source>Look up page</source>
        <translation>Sayfayı sorgula</translation>
    </message>
    <message>
        <source>Look up pages</source>
        <translation>Sayfaları sorgula</translation>
    </message>
    <message>
        <source>Check prices</source>
        <translation>Fiyatları kontrol et</translation>
    </message>
    <message>
        <source>Check price</source>
        <translation>Fiyatı kontrol et</translation>
    </message>
    <message>
        <source>Clean up old data</source>
        <translation>Eski verileri temizle</translation>
    </message>
    <message>
        <source>Clear old cache</source>
        <translation>Eski önbelleği temizle</translation>
    </message>
    <message>
        <source>Send notification</source>
        <translation>Bildirim gönder</translation>
    </message>
    <message>
        <source>Send notifications</source>
        <translation>Bildirimleri gönder</translation>
    </message>
    <message>
        <source>Send held notifications</source>
        <translation>Bekletilen bildirimleri gönder</translation>
    </message>
    <message>
        <source>Fetch picture</source>
        <translation>Resmi indir</translation>
    </message>
    <message>
        <source>all products</source>
        <translation>tüm ürünler</translation>
    </message>
    <message>
        <source>due products</source>
        <translation>sırası gelen ürünler</translation>
    </message>
    <message>
        <source>1 page</source>
        <translation>1 sayfa</translation>
    </message>
    <message>
        <source>{count} pages</source>
        <translation>{count} sayfa</translation>
    </message>
    <message>
        <source>1 product</source>
        <translation>1 ürün</translation>
    </message>
    <message>
        <source>{count} products</source>
        <translation>{count} ürün</translation>
    </message>
    <message>
        <source>Look up page (preview)</source>
        <translation>Sayfayı sorgula (ön izleme)</translation>
    </message>
    <message>
        <source>Scrape page</source>
        <translation>Sayfayı oku</translation>
    </message>
    <message>
        <source>product {id}</source>
        <translation>{id} numaralı ürün</translation>
    </message>
    <message>
        <source>Done, {count} failed</source>
        <translation>Tamamlandı, {count} başarısız</translation>
    </message>
    <message>
        <source>picture could not be fetched</source>
        <translation>resim indirilemedi</translation>
    </message>
    <message>
        <source>next try {when}: {error}</source>
        <translation>sonraki deneme {when}: {error}</translation>
    </message>
    <message>
        <source>{products} checked</source>
        <translation>{products} kontrol edildi</translation>
    </message>
    <message>
        <source>on {worker}</source>
        <translation>{worker} üzerinde</translation>
    </message>
</context>
<context>
    <name>TaskDetail</name>
    <message>
        <source>Queue</source>
        <translation>Kuyruk</translation>
    </message>
    <message>
        <source>priority</source>
        <translation>öncelik</translation>
    </message>
    <message>
        <source>&lt;b&gt;tries&lt;/b&gt; {tries} of {most}</source>
        <translation>&lt;b&gt;deneme&lt;/b&gt; {tries}/{most}</translation>
    </message>
    <message>
        <source>&lt;b&gt;Read on&lt;/b&gt; {worker} (a Celery worker)</source>
        <translation>&lt;b&gt;Okunduğu yer&lt;/b&gt; {worker} (bir Celery çalışanı)</translation>
    </message>
    <message>
        <source>Part of</source>
        <translation>Üst görev</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>İlerleme</translation>
    </message>
    <message>
        <source>Children</source>
        <translation>Alt görevler</translation>
    </message>
    <message>
        <source>Queued</source>
        <translation>Sırada</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>Başladı</translation>
    </message>
    <message>
        <source>Next try</source>
        <translation>Sonraki deneme</translation>
    </message>
    <message>
        <source>Finished</source>
        <translation>Bitti</translation>
    </message>
    <message>
        <source>Took</source>
        <translation>Sürdü</translation>
    </message>
    <message>
        <source>Timeline</source>
        <translation>Zaman çizelgesi</translation>
    </message>
    <message>
        <source>Arguments</source>
        <translation>Bağımsız değişkenler</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>Sonuç</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Hata</translation>
    </message>
    <message>
        <source>Traceback</source>
        <translation>Hata izi</translation>
    </message>
</context>
<context>
    <name>TaskDetailPane</name>
    <message>
        <source>Select a task to see its arguments, result and timeline.</source>
        <translation>Bağımsız değişkenlerini, sonucunu ve zaman çizelgesini görmek için bir görev seçin.</translation>
    </message>
</context>
<context>
    <name>TaskPanel</name>
    <message>
        <source>All states</source>
        <translation>Tüm durumlar</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>Etkin</translation>
    </message>
    <message>
        <source>Running</source>
        <translation>Çalışıyor</translation>
    </message>
    <message>
        <source>Queued</source>
        <translation>Sırada</translation>
    </message>
    <message>
        <source>Retrying</source>
        <translation>Yeniden deneniyor</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Tamamlandı</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Başarısız</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>İptal edildi</translation>
    </message>
    <message>
        <source>All tasks</source>
        <translation>Tüm görevler</translation>
    </message>
    <message>
        <source>All queues</source>
        <translation>Tüm kuyruklar</translation>
    </message>
    <message>
        <source>Filter by product, address or error</source>
        <translation>Ürüne, adrese ya da hataya göre süz</translation>
    </message>
    <message>
        <source>&amp;Cancel Task</source>
        <translation>Görevi &amp;iptal et</translation>
    </message>
    <message>
        <source>&amp;Retry Task</source>
        <translation>Görevi &amp;yeniden dene</translation>
    </message>
    <message>
        <source>Copy &amp;Error</source>
        <translation>&amp;Hatayı kopyala</translation>
    </message>
    <message>
        <source>Copy Task &amp;ID</source>
        <translation>Görev &amp;kimliğini kopyala</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>Göster</translation>
    </message>
    <message>
        <source>Queued {task} again</source>
        <translation>{task} yeniden sıraya alındı</translation>
    </message>
</context>
<context>
    <name>Time</name>
    <message>
        <source>now</source>
        <translation>şimdi</translation>
    </message>
</context>
<context>
    <name>TransferActions</name>
    <message>
        <source>JSON export (*.json);;CSV spreadsheet (*.csv)</source>
        <translation>JSON dışa aktarımı (*.json);;CSV tablosu (*.csv)</translation>
    </message>
    <message>
        <source>Export products and price history</source>
        <translation>Ürünleri ve fiyat geçmişini dışa aktar</translation>
    </message>
    <message>
        <source>JSON export (*.json);;CSV spreadsheet (*.csv);;All files (*)</source>
        <translation>JSON dışa aktarımı (*.json);;CSV tablosu (*.csv);;Tüm dosyalar (*)</translation>
    </message>
    <message>
        <source>Import products</source>
        <translation>Ürünleri içe aktar</translation>
    </message>
</context>
<context>
    <name>TrayIcon</name>
    <message>
        <source>&amp;Hide PriceWatch</source>
        <translation>PriceWatch&apos;ı &amp;gizle</translation>
    </message>
    <message>
        <source>&amp;Show PriceWatch</source>
        <translation>PriceWatch&apos;ı &amp;göster</translation>
    </message>
</context>
<context>
    <name>WhyPrice</name>
    <message>
        <source>Why this price?</source>
        <translation>Neden bu fiyat?</translation>
    </message>
    <message>
        <source>Price</source>
        <translation>Fiyat</translation>
    </message>
    <message>
        <source>Read from</source>
        <translation>Okunduğu kaynak</translation>
    </message>
    <message>
        <source>Element</source>
        <translation>Öğe</translation>
    </message>
    <message>
        <source>List price</source>
        <translation>Liste fiyatı</translation>
    </message>
    <message>
        <source>Certainty</source>
        <translation>Kesinlik</translation>
    </message>
    <message>
        <source>Evidence</source>
        <translation>Kanıtlar</translation>
    </message>
    <message>
        <source>&amp;Read the page again</source>
        <translation>Sayfayı &amp;yeniden oku</translation>
    </message>
    <message>
        <source>Prices that competed with it:</source>
        <translation>Onunla yarışan fiyatlar:</translation>
    </message>
    <message>
        <source>Looking for the last reading…</source>
        <translation>Son okuma aranıyor…</translation>
    </message>
    <message>
        <source>PriceWatch kept no details of the last reading; reading the page again…</source>
        <translation>PriceWatch son okumanın ayrıntılarını saklamadı; sayfa yeniden okunuyor…</translation>
    </message>
    <message>
        <source>From the reading {when}.</source>
        <translation>{when} yapılan okumadan.</translation>
    </message>
    <message>
        <source>Reading the page…</source>
        <translation>Sayfa okunuyor…</translation>
    </message>
    <message>
        <source>From the page as it is now.</source>
        <translation>Sayfanın şimdiki hâlinden.</translation>
    </message>
    <message>
        <source>The page could not be read now. {why}</source>
        <translation>Sayfa şu anda okunamadı. {why}</translation>
    </message>
    <message>
        <source>None shown on the page</source>
        <translation>Sayfada gösterilmiyor</translation>
    </message>
    <message>
        <source>Unsure</source>
        <translation>Kesin değil</translation>
    </message>
    <message>
        <source>Sure</source>
        <translation>Kesin</translation>
    </message>
    <message>
        <source>No other price on the page.</source>
        <translation>Sayfada başka fiyat yok.</translation>
    </message>
</context>
</TS>
