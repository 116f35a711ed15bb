<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>Actions</name>
    <message>
        <source>&amp;Add Product…</source>
        <translation>Produkt &amp;hinzufügen…</translation>
    </message>
    <message>
        <source>Track a new product page</source>
        <translation>Eine neue Produktseite beobachten</translation>
    </message>
    <message>
        <source>Add from &amp;Clipboard</source>
        <translation>Aus der &amp;Zwischenablage hinzufügen</translation>
    </message>
    <message>
        <source>Track the product page whose address is in the clipboard</source>
        <translation>Die Produktseite beobachten, deren Adresse in der Zwischenablage steht</translation>
    </message>
    <message>
        <source>Add &amp;Many…</source>
        <translation>&amp;Mehrere hinzufügen…</translation>
    </message>
    <message>
        <source>Track many product pages at once: paste their addresses</source>
        <translation>Viele Produktseiten auf einmal beobachten: ihre Adressen einfügen</translation>
    </message>
    <message>
        <source>&amp;Edit Product…</source>
        <translation>Produkt &amp;bearbeiten…</translation>
    </message>
    <message>
        <source>Change the target price, selector and alert rules</source>
        <translation>Zielpreis, Selektor und Benachrichtigungsregeln ändern</translation>
    </message>
    <message>
        <source>&amp;Remove Product…</source>
        <translation>Produkt &amp;entfernen…</translation>
    </message>
    <message>
        <source>Stop tracking the selected products</source>
        <translation>Die ausgewählten Produkte nicht mehr beobachten</translation>
    </message>
    <message>
        <source>Price &amp;History…</source>
        <translation>Preis&amp;verlauf…</translation>
    </message>
    <message>
        <source>Show the price history of the selected product</source>
        <translation>Den Preisverlauf des ausgewählten Produkts zeigen</translation>
    </message>
    <message>
        <source>&amp;Check Now</source>
        <translation>Jetzt &amp;prüfen</translation>
    </message>
    <message>
        <source>Check the selected products now</source>
        <translation>Die ausgewählten Produkte jetzt prüfen</translation>
    </message>
    <message>
        <source>Check &amp;All Now</source>
        <translation>&amp;Alle jetzt prüfen</translation>
    </message>
    <message>
        <source>Check every product now</source>
        <translation>Alle Produkte jetzt prüfen</translation>
    </message>
    <message>
        <source>&amp;Open in Browser</source>
        <translation>Im &amp;Browser öffnen</translation>
    </message>
    <message>
        <source>Open the product page in the web browser</source>
        <translation>Die Produktseite im Webbrowser öffnen</translation>
    </message>
    <message>
        <source>&amp;Reload</source>
        <translation>&amp;Neu laden</translation>
    </message>
    <message>
        <source>Read products, tasks and notifications again from the database</source>
        <translation>Produkte, Aufgaben und Benachrichtigungen neu aus der Datenbank lesen</translation>
    </message>
    <message>
        <source>&amp;Find</source>
        <translation>&amp;Suchen</translation>
    </message>
    <message>
        <source>Search the products</source>
        <translation>In den Produkten suchen</translation>
    </message>
    <message>
        <source>&amp;Import…</source>
        <translation>&amp;Importieren…</translation>
    </message>
    <message>
        <source>Import products and history from a JSON or CSV export</source>
        <translation>Produkte und Verlauf aus einem JSON- oder CSV-Export importieren</translation>
    </message>
    <message>
        <source>&amp;Export…</source>
        <translation>E&amp;xportieren…</translation>
    </message>
    <message>
        <source>Export products and history to JSON or CSV</source>
        <translation>Produkte und Verlauf als JSON oder CSV exportieren</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>&amp;Einstellungen…</translation>
    </message>
    <message>
        <source>Checks, notifications, API and more</source>
        <translation>Prüfungen, Benachrichtigungen, API und mehr</translation>
    </message>
    <message>
        <source>&amp;Pause Scheduled Checks</source>
        <translation>Geplante Prüfungen &amp;anhalten</translation>
    </message>
    <message>
        <source>Stop the hourly checks until resumed</source>
        <translation>Die stündlichen Prüfungen bis zur Fortsetzung anhalten</translation>
    </message>
    <message>
        <source>&amp;Tasks</source>
        <translation>&amp;Aufgaben</translation>
    </message>
    <message>
        <source>Show or hide the live task table</source>
        <translation>Die laufende Aufgabenliste zeigen oder ausblenden</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>Quit PriceWatch</source>
        <translation>PriceWatch beenden</translation>
    </message>
    <message>
        <source>&amp;About PriceWatch</source>
        <translation>&amp;Über PriceWatch</translation>
    </message>
    <message>
        <source>&amp;Show PriceWatch</source>
        <translation>PriceWatch &amp;zeigen</translation>
    </message>
    <message>
        <source>Add Another &amp;Shop…</source>
        <translation>Weiteren &amp;Shop hinzufügen…</translation>
    </message>
    <message>
        <source>Track the same item in another shop as part of this product</source>
        <translation>Denselben Artikel in einem weiteren Shop als Teil dieses Produkts verfolgen</translation>
    </message>
    <message>
        <source>&amp;Merge With…</source>
        <translation>&amp;Zusammenführen mit…</translation>
    </message>
    <message>
        <source>Make this product and another one product</source>
        <translation>Dieses und ein anderes Produkt zu einem machen</translation>
    </message>
    <message>
        <source>S&amp;plit From Product</source>
        <translation>Vom Produkt &amp;trennen</translation>
    </message>
    <message>
        <source>Make this shop&apos;s listing a product of its own again</source>
        <translation>Das Angebot dieses Shops wieder zu einem eigenen Produkt machen</translation>
    </message>
</context>
<context>
    <name>ActivityIndicator</name>
    <message>
        <source>No tasks running</source>
        <translation>Keine Aufgaben laufen</translation>
    </message>
    <message>
        <source>Show the tasks PriceWatch ran (Ctrl+T)</source>
        <translation>Die Aufgaben zeigen, die PriceWatch ausgeführt hat (Strg+T)</translation>
    </message>
    <message>
        <source>{running} running · {waiting} queued</source>
        <translation>{running} laufen · {waiting} warten</translation>
    </message>
    <message>
        <source>{running} running, {waiting} waiting; {done} finished since this work began.
Click to show the tasks (Ctrl+T)</source>
        <translation>{running} laufen, {waiting} warten; {done} seit Beginn dieser Arbeit fertig.
Klicken, um die Aufgaben zu zeigen (Strg+T)</translation>
    </message>
</context>
<context>
    <name>AddManyDialog</name>
    <message>
        <source>Add Many Products</source>
        <translation>Mehrere Produkte hinzufügen</translation>
    </message>
    <message>
        <source>Paste product addresses here, one per line (or drop links or a bookmarks file on the window)</source>
        <translation>Fügen Sie hier Produktadressen ein, eine pro Zeile (oder ziehen Sie Links oder eine Lesezeichendatei auf das Fenster)</translation>
    </message>
    <message>
        <source>Nothing to add yet.</source>
        <translation>Noch nichts hinzuzufügen.</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>Ergebnis</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Adresse</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Grund</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>Hinzufügen</translation>
    </message>
    <message>
        <source>Addresses:</source>
        <translation>Adressen:</translation>
    </message>
    <message>
        <source>Reading…</source>
        <translation>Wird gelesen…</translation>
    </message>
    <message>
        <source>Will be added</source>
        <translation>Wird hinzugefügt</translation>
    </message>
    <message>
        <source>Added</source>
        <translation>Hinzugefügt</translation>
    </message>
    <message>
        <source>Skipped</source>
        <translation>Übersprungen</translation>
    </message>
    <message>
        <source>Cannot read the list: %1</source>
        <translation>Die Liste kann nicht gelesen werden: %1</translation>
    </message>
    <message>
        <source>%1 added, %2 skipped.</source>
        <translation>%1 hinzugefügt, %2 übersprungen.</translation>
    </message>
    <message>
        <source>%1 to add, %2 skipped.</source>
        <translation>%1 hinzuzufügen, %2 übersprungen.</translation>
    </message>
    <message numerus="yes">
        <source>Add %n Product(s)</source>
        <translation>
            <numerusform>%n Produkt hinzufügen</numerusform>
            <numerusform>%n Produkte hinzufügen</numerusform>
        </translation>
    </message>
    <message>
        <source>Already tracked as product %1</source>
        <translation>Wird bereits als Produkt %1 beobachtet</translation>
    </message>
    <message>
        <source>Not a web address</source>
        <translation>Keine Webadresse</translation>
    </message>
    <message>
        <source>Not a valid address</source>
        <translation>Keine gültige Adresse</translation>
    </message>
    <message>
        <source>Listed twice</source>
        <translation>Doppelt aufgeführt</translation>
    </message>
    <message>
        <source>Adding…</source>
        <translation>Wird hinzugefügt…</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Schließen</translation>
    </message>
</context>
<context>
    <name>AddressEdit</name>
    <message>
        <source>https://shop.example/product-page (or paste a message that holds it)</source>
        <translation>https://shop.example/produktseite (oder eine Nachricht einfügen, die sie enthält)</translation>
    </message>
</context>
<context>
    <name>AlertRulesEditor</name>
    <message>
        <source>Tell me when</source>
        <translation>Benachrichtigen, wenn</translation>
    </message>
    <message>
        <source>the price is at or below the target price (when one is set)</source>
        <translation>der Preis den Zielpreis erreicht oder unterschreitet (falls einer gesetzt ist)</translation>
    </message>
    <message>
        <source>the price drops by at least</source>
        <translation>der Preis um mindestens so viel sinkt:</translation>
    </message>
    <message>
        <source>the price drops at all</source>
        <translation>der Preis überhaupt sinkt</translation>
    </message>
    <message>
        <source>the price goes up</source>
        <translation>der Preis steigt</translation>
    </message>
    <message>
        <source>it is back in stock</source>
        <translation>es wieder verfügbar ist</translation>
    </message>
    <message>
        <source>it sells out</source>
        <translation>es ausverkauft ist</translation>
    </message>
    <message>
        <source>the price is the lowest in 30 days</source>
        <translation>der Preis der niedrigste seit 30 Tagen ist</translation>
    </message>
    <message>
        <source>Needs 30 days of history: PriceWatch stays quiet until it has them</source>
        <translation>Braucht 30 Tage Verlauf: Bis dahin bleibt PriceWatch still</translation>
    </message>
    <message>
        <source>the cheapest of all its shops is at or below</source>
        <translation>der günstigste all seiner Shops höchstens kostet</translation>
    </message>
    <message numerus="yes">
        <source>the price is the lowest in %n days</source>
        <translation>
            <numerusform>der Preis der niedrigste seit %n Tag ist</numerusform>
            <numerusform>der Preis der niedrigste seit %n Tagen ist</numerusform>
        </translation>
    </message>
    <message>
        <source>and 1 more rule set elsewhere (kept; see pricewatch alerts)</source>
        <translation>und 1 weitere anderswo gesetzte Regel (bleibt erhalten; siehe pricewatch alerts)</translation>
    </message>
    <message>
        <source>and {count} more rules set elsewhere (kept; see pricewatch alerts)</source>
        <translation>und {count} weitere anderswo gesetzte Regeln (bleiben erhalten; siehe pricewatch alerts)</translation>
    </message>
</context>
<context>
    <name>Alerts</name>
    <message>
        <source>Target price reached</source>
        <translation>Zielpreis erreicht</translation>
    </message>
    <message>
        <source>Price drop</source>
        <translation>Preis gesunken</translation>
    </message>
    <message>
        <source>Price up</source>
        <translation>Preis gestiegen</translation>
    </message>
    <message>
        <source>Lowest price in weeks</source>
        <translation>Tiefster Preis seit Wochen</translation>
    </message>
    <message>
        <source>Back in stock</source>
        <translation>Wieder verfügbar</translation>
    </message>
    <message>
        <source>Out of stock</source>
        <translation>Ausverkauft</translation>
    </message>
    <message>
        <source>Cheapest shop below your price</source>
        <translation>Günstigster Shop unter Ihrem Preis</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>unbekannt</translation>
    </message>
    <message>
        <source>product #{id}</source>
        <translation>Produkt Nr. {id}</translation>
    </message>
    <message>
        <source>product</source>
        <translation>Produkt</translation>
    </message>
    <message>
        <source>Now {now}, at or below your target of {target}.</source>
        <translation>Jetzt {now}, auf oder unter Ihrem Zielpreis von {target}.</translation>
    </message>
    <message>
        <source>Was {was}.</source>
        <translation>Vorher {was}.</translation>
    </message>
    <message>
        <source>Out of stock.</source>
        <translation>Ausverkauft.</translation>
    </message>
    <message>
        <source>Out of stock (last price {price}).</source>
        <translation>Ausverkauft (letzter Preis {price}).</translation>
    </message>
    <message>
        <source>Available again.</source>
        <translation>Wieder erhältlich.</translation>
    </message>
    <message>
        <source>Available again at {now}.</source>
        <translation>Wieder erhältlich für {now}.</translation>
    </message>
    <message>
        <source>Now {now}, the lowest price in {days} days.</source>
        <translation>Jetzt {now}, der niedrigste Preis seit {days} Tagen.</translation>
    </message>
    <message>
        <source>Now {now}, the lowest price in {days} days (the lowest before: {before}).</source>
        <translation>Jetzt {now}, der niedrigste Preis seit {days} Tagen (bisher am niedrigsten: {before}).</translation>
    </message>
    <message>
        <source>Now {now}, up {change} ({percent}) from the {days}-day high of {was}.</source>
        <translation>Jetzt {now}, {change} ({percent}) über dem {days}-Tage-Hoch von {was}.</translation>
    </message>
    <message>
        <source>Now {now}, down {change} ({percent}) from the {days}-day high of {was}.</source>
        <translation>Jetzt {now}, {change} ({percent}) unter dem {days}-Tage-Hoch von {was}.</translation>
    </message>
    <message>
        <source>Now {now}, up {change} ({percent}) from {was}.</source>
        <translation>Jetzt {now}, {change} ({percent}) teurer als {was}.</translation>
    </message>
    <message>
        <source>Now {now}, down {change} ({percent}) from {was}.</source>
        <translation>Jetzt {now}, {change} ({percent}) günstiger als {was}.</translation>
    </message>
    <message>
        <source>Also: {others}.</source>
        <translation>Außerdem: {others}.</translation>
    </message>
</context>
<context>
    <name>Application</name>
    <message>
        <source>PriceWatch cannot open its data</source>
        <translation>PriceWatch kann seine Daten nicht öffnen</translation>
    </message>
    <message>
        <source>PriceWatch settings</source>
        <translation>PriceWatch-Einstellungen</translation>
    </message>
</context>
<context>
    <name>AppriseBox</name>
    <message>
        <source>One address per line, for example
ntfy://my-price-alerts
mailto://me:app-password@gmail.com</source>
        <translation>Eine Adresse pro Zeile, zum Beispiel
ntfy://meine-preisalarme
mailto://ich:app-passwort@gmail.com</translation>
    </message>
    <message>
        <source>Line {number}: Apprise does not understand “{address}”</source>
        <translation>Zeile {number}: Apprise versteht „{address}“ nicht</translation>
    </message>
    <message>
        <source>PriceWatch test</source>
        <translation>PriceWatch-Test</translation>
    </message>
    <message>
        <source>Notifications from PriceWatch arrive here.</source>
        <translation>Benachrichtigungen von PriceWatch kommen hier an.</translation>
    </message>
    <message>
        <source>delivery failed</source>
        <translation>Zustellung fehlgeschlagen</translation>
    </message>
    <message>
        <source>Test</source>
        <translation>Testen</translation>
    </message>
    <message>
        <source>Send a test notification to these addresses now</source>
        <translation>Jetzt eine Testbenachrichtigung an diese Adressen senden</translation>
    </message>
    <message>
        <source>Cannot check: {problem}</source>
        <translation>Prüfung nicht möglich: {problem}</translation>
    </message>
    <message>
        <source>1 address Apprise understands</source>
        <translation>1 Adresse, die Apprise versteht</translation>
    </message>
    <message>
        <source>{count} addresses Apprise understands</source>
        <translation>{count} Adressen, die Apprise versteht</translation>
    </message>
    <message>
        <source>Sending…</source>
        <translation>Wird gesendet…</translation>
    </message>
    <message>
        <source>Failed: {service}: {why}</source>
        <translation>Fehlgeschlagen: {service}: {why}</translation>
    </message>
    <message>
        <source>Sent to {services}</source>
        <translation>Gesendet an {services}</translation>
    </message>
</context>
<context>
    <name>BestPrices</name>
    <message>
        <source>{price} · {count} shops</source>
        <translation>{price} · {count} Shops</translation>
    </message>
    <message>
        <source> (cheapest)</source>
        <translation> (am günstigsten)</translation>
    </message>
    <message>
        <source>Converted at the exchange rates of {date}</source>
        <translation>Umgerechnet zu den Wechselkursen vom {date}</translation>
    </message>
    <message>
        <source> (out of date)</source>
        <translation> (veraltet)</translation>
    </message>
</context>
<context>
    <name>Browser</name>
    <message>
        <source>Could not open a web browser</source>
        <translation>Kein Webbrowser konnte geöffnet werden</translation>
    </message>
    <message>
        <source>PriceWatch could not start a web browser for this page. Copy the address and open it yourself:</source>
        <translation>PriceWatch konnte für diese Seite keinen Webbrowser starten. Kopieren Sie die Adresse und öffnen Sie sie selbst:</translation>
    </message>
</context>
<context>
    <name>BrowserWindow</name>
    <message>
        <source>PriceWatch browser</source>
        <translation>PriceWatch-Browser</translation>
    </message>
    <message>
        <source>Pick the price</source>
        <translation>Preis auswählen</translation>
    </message>
    <message>
        <source>Click the price on the page</source>
        <translation>Klicken Sie auf der Seite auf den Preis</translation>
    </message>
    <message>
        <source>No reliable selector for that element; try the price itself</source>
        <translation>Kein verlässlicher Selektor für dieses Element; versuchen Sie den Preis selbst</translation>
    </message>
    <message>
        <source>Selector: {selector}</source>
        <translation>Selektor: {selector}</translation>
    </message>
</context>
<context>
    <name>BulkEditDialog</name>
    <message numerus="yes">
        <source>Edit Selected Products (%n)</source>
        <translation>
            <numerusform>Ausgewähltes Produkt bearbeiten (%n)</numerusform>
            <numerusform>Ausgewählte Produkte bearbeiten (%n)</numerusform>
        </translation>
    </message>
    <message>
        <source>tags, separated by commas</source>
        <translation>Schlagwörter, durch Kommas getrennt</translation>
    </message>
    <message>
        <source>Set to</source>
        <translation>Setzen auf</translation>
    </message>
    <message>
        <source> min</source>
        <translation> Min.</translation>
    </message>
    <message>
        <source>No new rule</source>
        <translation>Keine neue Regel</translation>
    </message>
    <message>
        <source>Price at or below…</source>
        <translation>Preis höchstens…</translation>
    </message>
    <message>
        <source>Drop of at least … %</source>
        <translation>Senkung um mindestens … %</translation>
    </message>
    <message>
        <source>Drop of at least … (amount)</source>
        <translation>Senkung um mindestens … (Betrag)</translation>
    </message>
    <message>
        <source>Any price drop</source>
        <translation>Jede Preissenkung</translation>
    </message>
    <message>
        <source>Any price increase</source>
        <translation>Jede Preiserhöhung</translation>
    </message>
    <message>
        <source>Back in stock</source>
        <translation>Wieder verfügbar</translation>
    </message>
    <message>
        <source>Out of stock</source>
        <translation>Ausverkauft</translation>
    </message>
    <message>
        <source>Lowest price of the last … days</source>
        <translation>Niedrigster Preis der letzten … Tage</translation>
    </message>
    <message>
        <source>value</source>
        <translation>Wert</translation>
    </message>
    <message>
        <source>Leave as it is</source>
        <translation>Unverändert lassen</translation>
    </message>
    <message>
        <source>Pause checks</source>
        <translation>Prüfungen pausieren</translation>
    </message>
    <message>
        <source>Resume checks</source>
        <translation>Prüfungen fortsetzen</translation>
    </message>
    <message>
        <source>&amp;Add tags:</source>
        <translation>Schlagwörter &amp;hinzufügen:</translation>
    </message>
    <message>
        <source>&amp;Remove tags:</source>
        <translation>Schlagwörter &amp;entfernen:</translation>
    </message>
    <message>
        <source>Check &amp;interval:</source>
        <translation>Prüf&amp;intervall:</translation>
    </message>
    <message>
        <source>Add a r&amp;ule:</source>
        <translation>&amp;Regel hinzufügen:</translation>
    </message>
    <message>
        <source>&amp;Checks:</source>
        <translation>&amp;Prüfungen:</translation>
    </message>
    <message>
        <source>The rule needs a number of days, such as 30.</source>
        <translation>Die Regel braucht eine Anzahl Tage, etwa 30.</translation>
    </message>
    <message>
        <source>The rule needs a number, such as 10.</source>
        <translation>Die Regel braucht eine Zahl, etwa 10.</translation>
    </message>
    <message>
        <source>The rule needs a number above zero.</source>
        <translation>Die Regel braucht eine Zahl über null.</translation>
    </message>
    <message>
        <source>Choose something to change.</source>
        <translation>Wählen Sie etwas zum Ändern.</translation>
    </message>
</context>
<context>
    <name>CandidateList</name>
    <message>
        <source>PriceWatch is not sure which of these is the product&apos;s price. Pick the one to track; PriceWatch remembers where it is on the page.</source>
        <translation>PriceWatch ist nicht sicher, welcher davon der Preis des Produkts ist. Wählen Sie den zu beobachtenden; PriceWatch merkt sich, wo er auf der Seite steht.</translation>
    </message>
</context>
<context>
    <name>Candidates</name>
    <message>
        <source>crossed out or list price</source>
        <translation>durchgestrichener oder Listenpreis</translation>
    </message>
    <message>
        <source>near the product, not in its buy box</source>
        <translation>beim Produkt, nicht im Kaufbereich</translation>
    </message>
</context>
<context>
    <name>Deal</name>
    <message>
        <source>Invented was-price</source>
        <translation>Erfundener Streichpreis</translation>
    </message>
    <message>
        <source>Fake discount</source>
        <translation>Scheinrabatt</translation>
    </message>
    <message>
        <source>All-time low</source>
        <translation>Allzeittief</translation>
    </message>
    <message numerus="yes">
        <source>Lowest in %n days</source>
        <translation>
            <numerusform>Tiefster seit %n Tag</numerusform>
            <numerusform>Tiefster seit %n Tagen</numerusform>
        </translation>
    </message>
    <message>
        <source>Above usual</source>
        <translation>Über üblich</translation>
    </message>
    <message>
        <source>Not enough history</source>
        <translation>Zu wenig Verlauf</translation>
    </message>
    <message>
        <source>per kg</source>
        <translation>pro kg</translation>
    </message>
    <message>
        <source>per L</source>
        <translation>pro L</translation>
    </message>
    <message>
        <source>per piece</source>
        <translation>pro Stück</translation>
    </message>
    <message>
        <source>No price known yet.</source>
        <translation>Noch kein Preis bekannt.</translation>
    </message>
    <message numerus="yes">
        <source>Watched for %n day(s); a verdict needs 30.</source>
        <translation>
            <numerusform>Seit %n Tag beobachtet; ein Urteil braucht 30.</numerusform>
            <numerusform>Seit %n Tagen beobachtet; ein Urteil braucht 30.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The lowest price in %n day(s) of watching.</source>
        <translation>
            <numerusform>Der niedrigste Preis in %n Tag Beobachtung.</numerusform>
            <numerusform>Der niedrigste Preis in %n Tagen Beobachtung.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>No lower price in the last %n day(s).</source>
        <translation>
            <numerusform>Kein niedrigerer Preis am letzten Tag.</numerusform>
            <numerusform>Kein niedrigerer Preis in den letzten %n Tagen.</numerusform>
        </translation>
    </message>
    <message>
        <source>The price was higher than now %1% of the time watched.</source>
        <translation>Der Preis war %1 % der beobachteten Zeit höher als jetzt.</translation>
    </message>
    <message>
        <source>The same price all along.</source>
        <translation>Die ganze Zeit derselbe Preis.</translation>
    </message>
    <message>
        <source>The was-price %1 is invented: PriceWatch never saw it (watching since %2).</source>
        <translation>Der Streichpreis %1 ist erfunden: PriceWatch hat ihn nie gesehen (Beobachtung seit %2).</translation>
    </message>
    <message>
        <source>The was-price %1 is above %2, the lowest price of the 30 days before the cut on %3 (seen %4).</source>
        <translation>Der Streichpreis %1 liegt über %2, dem niedrigsten Preis der 30 Tage vor der Senkung am %3 (gesehen %4).</translation>
    </message>
    <message>
        <source>The was-price %1 was the lowest price in the 30 days before the reduction.</source>
        <translation>Der Streichpreis %1 war der niedrigste Preis der 30 Tage vor der Senkung.</translation>
    </message>
    <message numerus="yes">
        <source>Too little history for %1: the rule needs %n days before it.</source>
        <translation>
            <numerusform>Zu wenig Verlauf für %1: Die Regel braucht %n Tag davor.</numerusform>
            <numerusform>Zu wenig Verlauf für %1: Die Regel braucht %n Tage davor.</numerusform>
        </translation>
    </message>
    <message>
        <source>Rank %1 of %2 prices seen; lowest %3, highest %4.</source>
        <translation>Rang %1 von %2 gesehenen Preisen; niedrigster %3, höchster %4.</translation>
    </message>
    <message>
        <source>Prices from %1 to %2:</source>
        <translation>Preise von %1 bis %2:</translation>
    </message>
</context>
<context>
    <name>DealPanel</name>
    <message>
        <source>Show the prices behind it</source>
        <translation>Die Preise dahinter zeigen</translation>
    </message>
    <message>
        <source>Hide the prices</source>
        <translation>Die Preise verbergen</translation>
    </message>
</context>
<context>
    <name>DesktopSwitches</name>
    <message>
        <source>Desktop</source>
        <translation>Arbeitsumgebung</translation>
    </message>
    <message>
        <source>Add PriceWatch to the applications menu</source>
        <translation>PriceWatch zum Anwendungsmenü hinzufügen</translation>
    </message>
    <message>
        <source>Start PriceWatch at login (in the tray)</source>
        <translation>PriceWatch bei der Anmeldung starten (im Infobereich)</translation>
    </message>
    <message>
        <source>The desktop entry could not be written: {error}</source>
        <translation>Der Desktop-Eintrag konnte nicht geschrieben werden: {error}</translation>
    </message>
</context>
<context>
    <name>EditorFields</name>
    <message>
        <source>Every 15 minutes</source>
        <translation>Alle 15 Minuten</translation>
    </message>
    <message>
        <source>Every 30 minutes</source>
        <translation>Alle 30 Minuten</translation>
    </message>
    <message>
        <source>Every hour</source>
        <translation>Stündlich</translation>
    </message>
    <message>
        <source>Every 2 hours</source>
        <translation>Alle 2 Stunden</translation>
    </message>
    <message>
        <source>Every 4 hours</source>
        <translation>Alle 4 Stunden</translation>
    </message>
    <message>
        <source>Every 6 hours</source>
        <translation>Alle 6 Stunden</translation>
    </message>
    <message>
        <source>Every 12 hours</source>
        <translation>Alle 12 Stunden</translation>
    </message>
    <message>
        <source>Once a day</source>
        <translation>Einmal am Tag</translation>
    </message>
    <message>
        <source>Once a week</source>
        <translation>Einmal pro Woche</translation>
    </message>
    <message>
        <source>Automatic (the PriceWatch browser only when the page needs it)</source>
        <translation>Automatisch (den PriceWatch-Browser nur, wenn die Seite ihn braucht)</translation>
    </message>
    <message>
        <source>Without a browser (fast; pages that need scripts show no price)</source>
        <translation>Ohne Browser (schnell; Seiten, die Skripte brauchen, zeigen keinen Preis)</translation>
    </message>
    <message>
        <source>Always in the PriceWatch browser (for pages that need scripts or a login)</source>
        <translation>Immer im PriceWatch-Browser (für Seiten, die Skripte oder eine Anmeldung brauchen)</translation>
    </message>
    <message>
        <source>Every {hours} hours</source>
        <translation>Alle {hours} Stunden</translation>
    </message>
    <message>
        <source>Every {minutes} minutes</source>
        <translation>Alle {minutes} Minuten</translation>
    </message>
</context>
<context>
    <name>Errors</name>
    <message>
        <source>Not saved: a newer PriceWatch upgraded the database; restart PriceWatch first</source>
        <translation>Nicht gespeichert: Ein neueres PriceWatch hat die Datenbank aktualisiert; starten Sie PriceWatch zuerst neu</translation>
    </message>
    <message>
        <source>(details in {file})</source>
        <translation>(Details in {file})</translation>
    </message>
    <message>
        <source>Internal error: {error}</source>
        <translation>Interner Fehler: {error}</translation>
    </message>
</context>
<context>
    <name>Faults</name>
    <message>
        <source>later</source>
        <translation>später</translation>
    </message>
    <message>
        <source>in {n} s</source>
        <translation>in {n} s</translation>
    </message>
    <message>
        <source>in {n} min</source>
        <translation>in {n} min</translation>
    </message>
    <message>
        <source>in {n} h</source>
        <translation>in {n} h</translation>
    </message>
    <message>
        <source>The shop&apos;s server failed{code}. PriceWatch tries again {wait}.</source>
        <translation>Der Server des Shops ist ausgefallen{code}. PriceWatch versucht es {wait} erneut.</translation>
    </message>
    <message>
        <source>The shop asked PriceWatch to slow down{code}. PriceWatch tries again {wait}.</source>
        <translation>Der Shop hat PriceWatch gebeten, langsamer zu werden{code}. PriceWatch versucht es {wait} erneut.</translation>
    </message>
    <message>
        <source>The shop took too long to answer. PriceWatch tries again later; if this keeps happening, the shop may be down.</source>
        <translation>Der Shop hat zu lange nicht geantwortet. PriceWatch versucht es später erneut; passiert das öfter, ist der Shop vielleicht nicht erreichbar.</translation>
    </message>
    <message>
        <source>Could not connect to the shop. Check the internet connection and the address; PriceWatch tries again later.</source>
        <translation>Keine Verbindung zum Shop. Prüfen Sie die Internetverbindung und die Adresse; PriceWatch versucht es später erneut.</translation>
    </message>
    <message>
        <source>The shop&apos;s address could not be found. Check the spelling of the address.</source>
        <translation>Die Adresse des Shops wurde nicht gefunden. Prüfen Sie die Schreibweise der Adresse.</translation>
    </message>
    <message>
        <source>The shop&apos;s secure connection could not be set up. Try the address with http:// or open it in the PriceWatch browser.</source>
        <translation>Die sichere Verbindung zum Shop kam nicht zustande. Versuchen Sie die Adresse mit http:// oder öffnen Sie sie im PriceWatch-Browser.</translation>
    </message>
    <message>
        <source>The shop asks programs not to read this page (robots.txt). Ask the shop, or track another shop&apos;s page for this product.</source>
        <translation>Der Shop bittet Programme, diese Seite nicht zu lesen (robots.txt). Fragen Sie den Shop oder beobachten Sie die Seite eines anderen Shops für dieses Produkt.</translation>
    </message>
    <message>
        <source>No price was found on the page. Pick the price in the PriceWatch browser, or give a price selector.</source>
        <translation>Auf der Seite wurde kein Preis gefunden. Wählen Sie den Preis im PriceWatch-Browser oder geben Sie einen Preisselektor an.</translation>
    </message>
    <message>
        <source>This address is a file, not a web page. Use the address of the product&apos;s page.</source>
        <translation>Diese Adresse ist eine Datei, keine Webseite. Verwenden Sie die Adresse der Produktseite.</translation>
    </message>
    <message>
        <source>The page is too large to read. Use the address of the product&apos;s own page.</source>
        <translation>Die Seite ist zu groß zum Lesen. Verwenden Sie die Adresse der eigenen Seite des Produkts.</translation>
    </message>
    <message>
        <source>The shop sent a damaged page. PriceWatch tries again later.</source>
        <translation>Der Shop hat eine beschädigte Seite geschickt. PriceWatch versucht es später erneut.</translation>
    </message>
    <message>
        <source>The shop sends this address on to an address PriceWatch cannot use. Open it in your browser and copy the address the product page ends up at.</source>
        <translation>Der Shop leitet diese Adresse an eine Adresse weiter, die PriceWatch nicht nutzen kann. Öffnen Sie sie im Browser und kopieren Sie die Adresse, bei der die Produktseite landet.</translation>
    </message>
    <message>
        <source>The page points to an address on this computer or its network, which PriceWatch does not follow. Use the shop&apos;s public address.</source>
        <translation>Die Seite verweist auf eine Adresse auf diesem Computer oder in seinem Netz, der PriceWatch nicht folgt. Verwenden Sie die öffentliche Adresse des Shops.</translation>
    </message>
    <message>
        <source>This is not a web address PriceWatch can track. Use an address that starts with https:// or http://.</source>
        <translation>Das ist keine Webadresse, die PriceWatch beobachten kann. Verwenden Sie eine Adresse, die mit https:// oder http:// beginnt.</translation>
    </message>
    <message>
        <source>The PriceWatch browser is not available here. Set the product&apos;s fetch mode to plain.</source>
        <translation>Der PriceWatch-Browser ist hier nicht verfügbar. Stellen Sie den Abrufmodus des Produkts auf „ohne Browser“.</translation>
    </message>
    <message>
        <source>The PriceWatch browser stopped while reading the page. PriceWatch tries again later.</source>
        <translation>Der PriceWatch-Browser wurde beim Lesen der Seite beendet. PriceWatch versucht es später erneut.</translation>
    </message>
    <message>
        <source>The PriceWatch browser has too many pages waiting. PriceWatch tries again later.</source>
        <translation>Beim PriceWatch-Browser warten zu viele Seiten. PriceWatch versucht es später erneut.</translation>
    </message>
    <message>
        <source>The check was stopped.</source>
        <translation>Die Prüfung wurde abgebrochen.</translation>
    </message>
    <message>
        <source>The program that ran this check ended; a later check takes over.</source>
        <translation>Das Programm, das diese Prüfung ausführte, wurde beendet; eine spätere Prüfung übernimmt.</translation>
    </message>
    <message>
        <source>Some of the checks failed; each product says why.</source>
        <translation>Einige Prüfungen sind fehlgeschlagen; jedes Produkt nennt den Grund.</translation>
    </message>
    <message>
        <source>The notification could not be delivered. Check the notification settings.</source>
        <translation>Die Benachrichtigung konnte nicht zugestellt werden. Prüfen Sie die Benachrichtigungseinstellungen.</translation>
    </message>
    <message>
        <source>This page does not exist{code}. Check the address, or find the product on the shop&apos;s site and copy its address again.</source>
        <translation>Diese Seite existiert nicht{code}. Prüfen Sie die Adresse oder suchen Sie das Produkt auf der Website des Shops und kopieren Sie seine Adresse erneut.</translation>
    </message>
    <message>
        <source>The shop refused the request{code}. Try again later or open it in the PriceWatch browser.</source>
        <translation>Der Shop hat die Anfrage abgelehnt{code}. Versuchen Sie es später erneut oder öffnen Sie sie im PriceWatch-Browser.</translation>
    </message>
    <message>
        <source>The shop asked to try again later{code}. PriceWatch tries again {wait}.</source>
        <translation>Der Shop bittet, es später erneut zu versuchen{code}. PriceWatch versucht es {wait} erneut.</translation>
    </message>
    <message>
        <source>The shop rejected the request{code}. Check the address, or try again later.</source>
        <translation>Der Shop hat die Anfrage zurückgewiesen{code}. Prüfen Sie die Adresse oder versuchen Sie es später erneut.</translation>
    </message>
    <message>
        <source>Something went wrong while reading the page. PriceWatch tries again at the next check.</source>
        <translation>Beim Lesen der Seite ist etwas schiefgegangen. PriceWatch versucht es bei der nächsten Prüfung erneut.</translation>
    </message>
    <message>
        <source>The shop answered {status}; trying again (retry {retry} of {most}) at {at}.</source>
        <translation>Der Shop antwortete {status}; neuer Versuch ({retry} von {most}) um {at}.</translation>
    </message>
    <message>
        <source>The shop answered {status}; trying again (retry {retry} of {most}).</source>
        <translation>Der Shop antwortete {status}; neuer Versuch ({retry} von {most}).</translation>
    </message>
    <message>
        <source>The shop did not answer; trying again (retry {retry} of {most}) at {at}.</source>
        <translation>Der Shop hat nicht geantwortet; neuer Versuch ({retry} von {most}) um {at}.</translation>
    </message>
    <message>
        <source>The shop did not answer; trying again (retry {retry} of {most}).</source>
        <translation>Der Shop hat nicht geantwortet; neuer Versuch ({retry} von {most}).</translation>
    </message>
</context>
<context>
    <name>FilterBar</name>
    <message>
        <source>Show products</source>
        <translation>Produkte anzeigen</translation>
    </message>
    <message>
        <source>Save Filter…</source>
        <translation>Filter speichern…</translation>
    </message>
    <message>
        <source>Keep a combination of conditions under a name</source>
        <translation>Eine Kombination von Bedingungen unter einem Namen speichern</translation>
    </message>
    <message>
        <source>Delete Filter</source>
        <translation>Filter löschen</translation>
    </message>
    <message>
        <source>&amp;Show:</source>
        <translation>&amp;Zeigen:</translation>
    </message>
    <message>
        <source>All products</source>
        <translation>Alle Produkte</translation>
    </message>
    <message>
        <source>Tag: {name} ({count})</source>
        <translation>Schlagwort: {name} ({count})</translation>
    </message>
</context>
<context>
    <name>HistoryModel</name>
    <message>
        <source>When</source>
        <translation>Wann</translation>
    </message>
    <message>
        <source>Price</source>
        <translation>Preis</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>Änderung</translation>
    </message>
    <message>
        <source>Availability</source>
        <translation>Verfügbarkeit</translation>
    </message>
    <message>
        <source>First reading</source>
        <translation>Erste Messung</translation>
    </message>
    <message>
        <source>No change</source>
        <translation>Keine Änderung</translation>
    </message>
</context>
<context>
    <name>HomeCurrency</name>
    <message>
        <source>Home currency</source>
        <translation>Heimatwährung</translation>
    </message>
    <message>
        <source>No exchange rates fetched yet.</source>
        <translation>Noch keine Wechselkurse abgerufen.</translation>
    </message>
    <message>
        <source>Exchange rates of {date}.</source>
        <translation>Wechselkurse vom {date}.</translation>
    </message>
    <message>
        <source>The last update failed: {error}</source>
        <translation>Die letzte Aktualisierung ist fehlgeschlagen: {error}</translation>
    </message>
    <message>
        <source>Prices from every shop are compared in this currency.</source>
        <translation>Die Preise aller Shops werden in dieser Währung verglichen.</translation>
    </message>
    <message>
        <source>Home currency: use a three-letter code such as EUR or USD</source>
        <translation>Heimatwährung: ein Code aus drei Buchstaben wie EUR oder USD</translation>
    </message>
</context>
<context>
    <name>LookupView</name>
    <message>
        <source>Enter a product page&apos;s address and press &lt;b&gt;Look up&lt;/b&gt;.</source>
        <translation>Geben Sie die Adresse einer Produktseite ein und drücken Sie &lt;b&gt;Abrufen&lt;/b&gt;.</translation>
    </message>
    <message>
        <source>Looking up the page…</source>
        <translation>Seite wird abgerufen…</translation>
    </message>
    <message>
        <source>&amp;Stop look-up</source>
        <translation>Abruf &amp;abbrechen</translation>
    </message>
    <message>
        <source>This page offers several prices; pick the one to track:</source>
        <translation>Diese Seite bietet mehrere Preise; wählen Sie den zu beobachtenden:</translation>
    </message>
    <message>
        <source>Price</source>
        <translation>Preis</translation>
    </message>
    <message>
        <source>Availability</source>
        <translation>Verfügbarkeit</translation>
    </message>
    <message>
        <source>Found by</source>
        <translation>Gefunden über</translation>
    </message>
    <message>
        <source>Tracking</source>
        <translation>Beobachtet</translation>
    </message>
    <message>
        <source>(No title found)</source>
        <translation>(Kein Titel gefunden)</translation>
    </message>
    <message>
        <source>Offer</source>
        <translation>Angebot</translation>
    </message>
    <message>
        <source>the check at {time}</source>
        <translation>die Prüfung um {time}</translation>
    </message>
    <message>
        <source>not checked yet</source>
        <translation>noch nicht geprüft</translation>
    </message>
</context>
<context>
    <name>LookupWording</name>
    <message>
        <source>You can add the product now (PriceWatch keeps checking it on its schedule) or stop the look-up.</source>
        <translation>Sie können das Produkt jetzt hinzufügen (PriceWatch prüft es weiter nach Plan) oder den Abruf abbrechen.</translation>
    </message>
    <message>
        <source>read without a browser</source>
        <translation>ohne Browser gelesen</translation>
    </message>
    <message>
        <source>read in the PriceWatch browser</source>
        <translation>im PriceWatch-Browser gelesen</translation>
    </message>
    <message>
        <source>the page&apos;s structured data (JSON-LD)</source>
        <translation>die strukturierten Daten der Seite (JSON-LD)</translation>
    </message>
    <message>
        <source>the page&apos;s structured data (microdata)</source>
        <translation>die strukturierten Daten der Seite (Microdata)</translation>
    </message>
    <message>
        <source>the page&apos;s product tags</source>
        <translation>die Produkt-Tags der Seite</translation>
    </message>
    <message>
        <source>your selector</source>
        <translation>Ihr Selektor</translation>
    </message>
    <message>
        <source>the price shown on the page</source>
        <translation>der auf der Seite gezeigte Preis</translation>
    </message>
    <message>
        <source>the page&apos;s app data (its state script)</source>
        <translation>die App-Daten der Seite (ihr Zustandsskript)</translation>
    </message>
    <message>
        <source>the page&apos;s analytics data (a last resort)</source>
        <translation>die Analysedaten der Seite (letzter Ausweg)</translation>
    </message>
    <message>
        <source>the page text</source>
        <translation>der Text der Seite</translation>
    </message>
    <message>
        <source>No price found.</source>
        <translation>Kein Preis gefunden.</translation>
    </message>
    <message>
        <source>No price found: {why}</source>
        <translation>Kein Preis gefunden: {why}</translation>
    </message>
    <message>
        <source>Your selector {selector} found the price.</source>
        <translation>Ihr Selektor {selector} hat den Preis gefunden.</translation>
    </message>
    <message>
        <source>found no price</source>
        <translation>hat keinen Preis gefunden</translation>
    </message>
    <message>
        <source>Your selector {selector} {why}.</source>
        <translation>Ihr Selektor {selector}: {why}.</translation>
    </message>
    <message>
        <source>Your selector {selector} {why}; the price shown comes from {source}.</source>
        <translation>Ihr Selektor {selector}: {why}; der gezeigte Preis stammt aus: {source}.</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Tasks</source>
        <translation>Aufgaben</translation>
    </message>
    <message>
        <source>Notifications</source>
        <translation>Benachrichtigungen</translation>
    </message>
    <message>
        <source>Cannot add {url}: {error}</source>
        <translation>{url} kann nicht hinzugefügt werden: {error}</translation>
    </message>
    <message>
        <source>The clipboard holds no product address: {error}</source>
        <translation>Die Zwischenablage enthält keine Produktadresse: {error}</translation>
    </message>
    <message numerus="yes">
        <source>%n product(s) added</source>
        <translation>
            <numerusform>%n Produkt hinzugefügt</numerusform>
            <numerusform>%n Produkte hinzugefügt</numerusform>
        </translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>Wird geprüft…</translation>
    </message>
    <message>
        <source>Removed 1 product</source>
        <translation>1 Produkt entfernt</translation>
    </message>
    <message>
        <source>Removed {count} products</source>
        <translation>{count} Produkte entfernt</translation>
    </message>
    <message>
        <source>Checking 1 product…</source>
        <translation>1 Produkt wird geprüft…</translation>
    </message>
    <message>
        <source>Checking {count} products…</source>
        <translation>{count} Produkte werden geprüft…</translation>
    </message>
    <message>
        <source>Checking every product…</source>
        <translation>Alle Produkte werden geprüft…</translation>
    </message>
    <message>
        <source>Settings saved</source>
        <translation>Einstellungen gespeichert</translation>
    </message>
    <message>
        <source>Reloaded</source>
        <translation>Neu geladen</translation>
    </message>
    <message>
        <source>Exported {count} products to {path}</source>
        <translation>{count} Produkte nach {path} exportiert</translation>
    </message>
    <message>
        <source>Imported: {added} new products, {updated} updated, {points} price points</source>
        <translation>Importiert: {added} neue Produkte, {updated} aktualisiert, {points} Preispunkte</translation>
    </message>
    <message>
        <source>PriceWatch — 1 product</source>
        <translation>PriceWatch — 1 Produkt</translation>
    </message>
    <message>
        <source>PriceWatch — {count} products</source>
        <translation>PriceWatch — {count} Produkte</translation>
    </message>
    <message>
        <source>A desktop price tracker.</source>
        <translation>Ein Preisbeobachter für den Desktop.</translation>
    </message>
    <message>
        <source>Data folder: {folder}</source>
        <translation>Datenordner: {folder}</translation>
    </message>
    <message>
        <source>About PriceWatch</source>
        <translation>Über PriceWatch</translation>
    </message>
    <message>
        <source>PriceWatch was updated by another program: restart it to continue</source>
        <translation>PriceWatch wurde von einem anderen Programm aktualisiert: zum Fortfahren neu starten</translation>
    </message>
    <message>
        <source>PriceWatch keeps running</source>
        <translation>PriceWatch läuft weiter</translation>
    </message>
    <message>
        <source>PriceWatch is still checking prices in the tray. Use Quit in its menu to stop it.</source>
        <translation>PriceWatch prüft im Infobereich weiter Preise. Zum Beenden „Beenden“ in seinem Menü wählen.</translation>
    </message>
</context>
<context>
    <name>Menus</name>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>&amp;Product</source>
        <translation>&amp;Produkt</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <source>Main toolbar</source>
        <translation>Hauptwerkzeugleiste</translation>
    </message>
</context>
<context>
    <name>NotificationActions</name>
    <message>
        <source>That product is no longer tracked</source>
        <translation>Dieses Produkt wird nicht mehr beobachtet</translation>
    </message>
    <message>
        <source>No notifications about {name} until {time}</source>
        <translation>Keine Benachrichtigungen zu {name} bis {time}</translation>
    </message>
</context>
<context>
    <name>NotificationModel</name>
    <message>
        <source>When</source>
        <translation>Wann</translation>
    </message>
    <message>
        <source>Title</source>
        <translation>Titel</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Nachricht</translation>
    </message>
    <message>
        <source>Sent through</source>
        <translation>Gesendet über</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>Sent</source>
        <translation>Gesendet</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
    <message>
        <source>Held (quiet hours)</source>
        <translation>Zurückgehalten (Ruhezeit)</translation>
    </message>
    <message>
        <source>Pending</source>
        <translation>Ausstehend</translation>
    </message>
    <message>
        <source>Held back</source>
        <translation>Zurückgehalten</translation>
    </message>
    <message>
        <source>Snoozed</source>
        <translation>Schlummert</translation>
    </message>
    <message>
        <source>Held by daily cap</source>
        <translation>Durch Tageslimit zurückgehalten</translation>
    </message>
    <message>
        <source>The alert rule is snoozed until the price changes.</source>
        <translation>Die Alarmregel schlummert, bis sich der Preis ändert.</translation>
    </message>
    <message>
        <source>The alert rule is snoozed until {time}.</source>
        <translation>Die Alarmregel schlummert bis {time}.</translation>
    </message>
    <message>
        <source>The product is snoozed until its price changes.</source>
        <translation>Das Produkt schlummert, bis sich sein Preis ändert.</translation>
    </message>
    <message>
        <source>The product is snoozed until {time}.</source>
        <translation>Das Produkt schlummert bis {time}.</translation>
    </message>
    <message>
        <source>Held by the daily cap of notifications for this product.</source>
        <translation>Von der täglichen Höchstzahl an Benachrichtigungen für dieses Produkt zurückgehalten.</translation>
    </message>
</context>
<context>
    <name>Notifications</name>
    <message>
        <source>PriceWatch test</source>
        <translation>PriceWatch-Test</translation>
    </message>
    <message>
        <source>Notifications from PriceWatch arrive here.</source>
        <translation>Benachrichtigungen von PriceWatch kommen hier an.</translation>
    </message>
    <message>
        <source>PriceWatch: {count} notifications</source>
        <translation>PriceWatch: {count} Benachrichtigungen</translation>
    </message>
    <message>
        <source>… and {count} more (see the notification log)</source>
        <translation>… und {count} weitere (siehe Benachrichtigungsprotokoll)</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Öffnen</translation>
    </message>
    <message>
        <source>Open shop page</source>
        <translation>Shopseite öffnen</translation>
    </message>
    <message>
        <source>Snooze 1 day</source>
        <translation>1 Tag stummschalten</translation>
    </message>
</context>
<context>
    <name>NotificationsPanel</name>
    <message>
        <source>No notifications yet</source>
        <translation>Noch keine Benachrichtigungen</translation>
    </message>
    <message>
        <source>{count} delivered</source>
        <translation>{count} zugestellt</translation>
    </message>
    <message>
        <source>{count} notifications: {parts}</source>
        <translation>{count} Benachrichtigungen: {parts}</translation>
    </message>
    <message>
        <source>Send a Test Notification</source>
        <translation>Testbenachrichtigung senden</translation>
    </message>
    <message>
        <source>The test failed: {error}</source>
        <translation>Der Test ist fehlgeschlagen: {error}</translation>
    </message>
</context>
<context>
    <name>OrganiseActions</name>
    <message>
        <source>Edit &amp;Selected…</source>
        <translation>Auswahl &amp;bearbeiten…</translation>
    </message>
    <message>
        <source>Tags, check interval, a new rule or pause for every selected product</source>
        <translation>Schlagwörter, Prüfintervall, eine neue Regel oder Pause für jedes ausgewählte Produkt</translation>
    </message>
    <message>
        <source>S&amp;nooze</source>
        <translation>Sch&amp;lummern</translation>
    </message>
    <message>
        <source>For a &amp;Day</source>
        <translation>Für einen &amp;Tag</translation>
    </message>
    <message>
        <source>For a &amp;Week</source>
        <translation>Für eine &amp;Woche</translation>
    </message>
    <message>
        <source>Until the Price &amp;Changes</source>
        <translation>Bis sich der Preis &amp;ändert</translation>
    </message>
    <message>
        <source>&amp;Unsnooze</source>
        <translation>Schlummern &amp;beenden</translation>
    </message>
    <message>
        <source>Snooze &amp;Alerts…</source>
        <translation>&amp;Alarme schlummern…</translation>
    </message>
    <message>
        <source>Snooze or unsnooze each alert rule of the product</source>
        <translation>Jede Alarmregel des Produkts schlummern lassen oder wecken</translation>
    </message>
    <message numerus="yes">
        <source>Changing the selected products (%n)…</source>
        <translation>
            <numerusform>Das ausgewählte Produkt wird geändert (%n)…</numerusform>
            <numerusform>Die ausgewählten Produkte werden geändert (%n)…</numerusform>
        </translation>
    </message>
    <message>
        <source>Nothing was changed</source>
        <translation>Nichts wurde geändert</translation>
    </message>
    <message numerus="yes">
        <source>Products snoozed for a day: %n</source>
        <translation>
            <numerusform>Für einen Tag schlummernde Produkte: %n</numerusform>
            <numerusform>Für einen Tag schlummernde Produkte: %n</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Products snoozed for a week: %n</source>
        <translation>
            <numerusform>Für eine Woche schlummernde Produkte: %n</numerusform>
            <numerusform>Für eine Woche schlummernde Produkte: %n</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Products snoozed until their price changes: %n</source>
        <translation>
            <numerusform>Bis zur Preisänderung schlummernde Produkte: %n</numerusform>
            <numerusform>Bis zur Preisänderung schlummernde Produkte: %n</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Products unsnoozed: %n</source>
        <translation>
            <numerusform>Geweckte Produkte: %n</numerusform>
            <numerusform>Geweckte Produkte: %n</numerusform>
        </translation>
    </message>
    <message>
        <source>Saved the filter “{name}”</source>
        <translation>Filter „{name}“ gespeichert</translation>
    </message>
    <message>
        <source>Deleted the filter “{name}”</source>
        <translation>Filter „{name}“ gelöscht</translation>
    </message>
</context>
<context>
    <name>OutsideTasks</name>
    <message>
        <source>process {pid}</source>
        <translation>Prozess {pid}</translation>
    </message>
    <message>
        <source>another host</source>
        <translation>einem anderen Rechner</translation>
    </message>
    <message>
        <source>process {pid} on {host}</source>
        <translation>Prozess {pid} auf {host}</translation>
    </message>
    <message>
        <source>&amp;Cancel Task (runs in {process})</source>
        <translation>Aufgabe &amp;abbrechen (läuft in {process})</translation>
    </message>
    <message>
        <source>&amp;Cancel Task</source>
        <translation>Aufgabe &amp;abbrechen</translation>
    </message>
    <message>
        <source>Cancelling {task}</source>
        <translation>{task} wird abgebrochen</translation>
    </message>
    <message>
        <source>Cancelled {task}: it runs in {process}, which stops it within a second or two</source>
        <translation>{task} abgebrochen: läuft in {process}, das sie in ein bis zwei Sekunden beendet</translation>
    </message>
    <message>
        <source>Cancelled {task}, queued by {process}: it will not run</source>
        <translation>{task} abgebrochen, eingereiht von {process}: wird nicht ausgeführt</translation>
    </message>
</context>
<context>
    <name>PriceChart</name>
    <message>
        <source>Price ({currency})</source>
        <translation>Preis ({currency})</translation>
    </message>
    <message>
        <source>price</source>
        <translation>Preis</translation>
    </message>
    <message>
        <source>Target {price}</source>
        <translation>Ziel {price}</translation>
    </message>
    <message>
        <source>Checks</source>
        <translation>Prüfungen</translation>
    </message>
    <message>
        <source>Out of stock</source>
        <translation>Ausverkauft</translation>
    </message>
    <message>
        <source>Back in stock</source>
        <translation>Wieder verfügbar</translation>
    </message>
</context>
<context>
    <name>ProductDetail</name>
    <message>
        <source>7 d</source>
        <translation>7 T</translation>
    </message>
    <message>
        <source>30 d</source>
        <translation>30 T</translation>
    </message>
    <message>
        <source>90 d</source>
        <translation>90 T</translation>
    </message>
    <message>
        <source>All</source>
        <translation>Alles</translation>
    </message>
    <message>
        <source>without a browser</source>
        <translation>ohne Browser</translation>
    </message>
    <message>
        <source>in the PriceWatch browser</source>
        <translation>im PriceWatch-Browser</translation>
    </message>
    <message>
        <source>Show every check</source>
        <translation>Jede Prüfung zeigen</translation>
    </message>
    <message>
        <source>Also list the checks that found the same price and stock</source>
        <translation>Auch die Prüfungen auflisten, die denselben Preis und Bestand fanden</translation>
    </message>
    <message>
        <source>Open in Browser</source>
        <translation>Im Browser öffnen</translation>
    </message>
    <message>
        <source>Open in PriceWatch Browser</source>
        <translation>Im PriceWatch-Browser öffnen</translation>
    </message>
    <message>
        <source>Log in or pass the shop&apos;s check once (later checks reuse it), or click the price to pick it</source>
        <translation>Einmal anmelden oder die Prüfung des Shops bestehen (spätere Prüfungen nutzen das), oder auf den Preis klicken, um ihn zu wählen</translation>
    </message>
    <message>
        <source>Why This Price?</source>
        <translation>Warum dieser Preis?</translation>
    </message>
    <message>
        <source>Check Now</source>
        <translation>Jetzt prüfen</translation>
    </message>
    <message>
        <source>Edit…</source>
        <translation>Bearbeiten…</translation>
    </message>
    <message>
        <source>Read the page:</source>
        <translation>Seite lesen:</translation>
    </message>
    <message>
        <source>last read {how}, {when}</source>
        <translation>zuletzt {how} gelesen, {when}</translation>
    </message>
    <message>
        <source>The last check failed. {why}</source>
        <translation>Die letzte Prüfung ist fehlgeschlagen. {why}</translation>
    </message>
    <message>
        <source>The last check failed. PriceWatch tries again at the next check.</source>
        <translation>Die letzte Prüfung ist fehlgeschlagen. PriceWatch versucht es bei der nächsten Prüfung erneut.</translation>
    </message>
    <message>
        <source>{change} (was {was})</source>
        <translation>{change} (vorher {was})</translation>
    </message>
    <message>
        <source>Lowest</source>
        <translation>Tiefstpreis</translation>
    </message>
    <message>
        <source>Highest</source>
        <translation>Höchstpreis</translation>
    </message>
    <message>
        <source>Target</source>
        <translation>Ziel</translation>
    </message>
    <message>
        <source>Availability</source>
        <translation>Verfügbarkeit</translation>
    </message>
    <message>
        <source>Next check</source>
        <translation>Nächste Prüfung</translation>
    </message>
    <message>
        <source>Last checked {when}</source>
        <translation>Zuletzt geprüft {when}</translation>
    </message>
    <message>
        <source>Not checked yet</source>
        <translation>Noch nicht geprüft</translation>
    </message>
    <message>
        <source>All shops in {currency}, converted at the rates of {date}</source>
        <translation>Alle Shops in {currency}, umgerechnet zu den Kursen vom {date}</translation>
    </message>
    <message>
        <source>All shops in {currency}</source>
        <translation>Alle Shops in {currency}</translation>
    </message>
    <message>
        <source>{shop} #{id}</source>
        <translation>{shop} Nr. {id}</translation>
    </message>
    <message>
        <source>Listing</source>
        <translation>Angebot</translation>
    </message>
    <message>
        <source>In view: average {average} · lowest {lowest}</source>
        <translation>Im Ausschnitt: Durchschnitt {average} · Tiefstpreis {lowest}</translation>
    </message>
    <message>
        <source>Use this price selector for the whole shop?</source>
        <translation>Diesen Preisselektor für den ganzen Shop verwenden?</translation>
    </message>
    <message>
        <source>{shop} has 1 other product in PriceWatch. Read its price from the same place on the page too?</source>
        <translation>{shop} hat 1 weiteres Produkt in PriceWatch. Dessen Preis auch von derselben Stelle der Seite lesen?</translation>
    </message>
    <message>
        <source>{shop} has {count} other products in PriceWatch. Read their prices from the same place on the page too?</source>
        <translation>{shop} hat {count} weitere Produkte in PriceWatch. Deren Preise auch von derselben Stelle der Seite lesen?</translation>
    </message>
</context>
<context>
    <name>ProductDialog</name>
    <message>
        <source>Edit Product</source>
        <translation>Produkt bearbeiten</translation>
    </message>
    <message>
        <source>Add Product</source>
        <translation>Produkt hinzufügen</translation>
    </message>
    <message>
        <source>&amp;Look up</source>
        <translation>&amp;Abrufen</translation>
    </message>
    <message>
        <source>the page&apos;s title, or a name of your own</source>
        <translation>der Titel der Seite oder ein eigener Name</translation>
    </message>
    <message>
        <source>optional, for example  .price-now  (when detection picks wrong)</source>
        <translation>optional, zum Beispiel  .price-now  (wenn die Erkennung falsch liegt)</translation>
    </message>
    <message>
        <source>optional, for example 199.99</source>
        <translation>optional, zum Beispiel 199.99</translation>
    </message>
    <message>
        <source>Pause checks</source>
        <translation>Prüfungen anhalten</translation>
    </message>
    <message>
        <source>from the title or the page, or for example 500 g, 6 x 1.5 L</source>
        <translation>aus dem Titel oder der Seite, oder zum Beispiel 500 g, 6 x 1.5 L</translation>
    </message>
    <message>
        <source>How much it holds, for its price per kg, litre or piece</source>
        <translation>Wie viel es enthält, für den Preis pro kg, Liter oder Stück</translation>
    </message>
    <message>
        <source>optional: your own notes (size, colour, what it is for)</source>
        <translation>optional: eigene Notizen (Größe, Farbe, wofür es gedacht ist)</translation>
    </message>
    <message>
        <source>Page address</source>
        <translation>Seitenadresse</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Bezeichnung</translation>
    </message>
    <message>
        <source>Price selector</source>
        <translation>Preisselektor</translation>
    </message>
    <message>
        <source>Target price</source>
        <translation>Zielpreis</translation>
    </message>
    <message>
        <source>Check</source>
        <translation>Prüfen</translation>
    </message>
    <message>
        <source>Read the page</source>
        <translation>Seite lesen</translation>
    </message>
    <message>
        <source>Quantity</source>
        <translation>Menge</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>Notizen</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Speichern</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>Hinzufügen</translation>
    </message>
    <message>
        <source>Add Another Shop</source>
        <translation>Weiteren Shop hinzufügen</translation>
    </message>
    <message>
        <source>The address of “{name}” in another shop: its price is compared with the others.</source>
        <translation>Die Adresse von „{name}“ in einem anderen Shop: Sein Preis wird mit den anderen verglichen.</translation>
    </message>
    <message>
        <source>Looking up {address}…</source>
        <translation>{address} wird abgerufen…</translation>
    </message>
    <message>
        <source>product {id} (“{name}”)</source>
        <translation>Produkt {id} („{name}“)</translation>
    </message>
    <message>
        <source>product {id}</source>
        <translation>Produkt {id}</translation>
    </message>
    <message>
        <source>Already tracked as {product}</source>
        <translation>Wird bereits beobachtet als {product}</translation>
    </message>
    <message>
        <source>The same item ({sku}) is already tracked as {product} at another address</source>
        <translation>Derselbe Artikel ({sku}) wird bereits unter einer anderen Adresse beobachtet als {product}</translation>
    </message>
    <message>
        <source>{problem}; select it in the list and press F2 to change it.</source>
        <translation>{problem}; wählen Sie es in der Liste aus und drücken Sie F2, um es zu ändern.</translation>
    </message>
    <message>
        <source>The look-up was cancelled.</source>
        <translation>Der Abruf wurde abgebrochen.</translation>
    </message>
    <message>
        <source>You can still save your changes.</source>
        <translation>Sie können Ihre Änderungen trotzdem speichern.</translation>
    </message>
    <message>
        <source>You can still add the product.</source>
        <translation>Sie können das Produkt trotzdem hinzufügen.</translation>
    </message>
    <message>
        <source>This shop does not answer on a secure connection (https://), so PriceWatch reads it with http://. The connection to it is not encrypted.</source>
        <translation>Dieser Shop antwortet nicht über eine sichere Verbindung (https://), daher liest PriceWatch ihn mit http://. Die Verbindung ist nicht verschlüsselt.</translation>
    </message>
    <message>
        <source>The look-up was stopped. You can still add the product; PriceWatch checks it on its schedule.</source>
        <translation>Der Abruf wurde abgebrochen. Sie können das Produkt trotzdem hinzufügen; PriceWatch prüft es nach Plan.</translation>
    </message>
    <message>
        <source>This page does not exist; check the address.</source>
        <translation>Diese Seite existiert nicht; prüfen Sie die Adresse.</translation>
    </message>
    <message>
        <source>Price selector: {problem}</source>
        <translation>Preisselektor: {problem}</translation>
    </message>
    <message>
        <source>Target price: {problem}</source>
        <translation>Zielpreis: {problem}</translation>
    </message>
    <message>
        <source>Quantity: %1</source>
        <translation>Menge: %1</translation>
    </message>
    <message>
        <source>This product was removed elsewhere meanwhile; there is nothing to save.</source>
        <translation>Dieses Produkt wurde inzwischen anderswo entfernt; es gibt nichts zu speichern.</translation>
    </message>
</context>
<context>
    <name>ProductMessages</name>
    <message>
        <source>Stop tracking “{name}”?

Its price history is deleted too.</source>
        <translation>„{name}“ nicht mehr beobachten?

Sein Preisverlauf wird ebenfalls gelöscht.</translation>
    </message>
    <message>
        <source>Stop tracking {count} products?

Their price history is deleted too.</source>
        <translation>{count} Produkte nicht mehr beobachten?

Ihr Preisverlauf wird ebenfalls gelöscht.</translation>
    </message>
    <message>
        <source>Remove products</source>
        <translation>Produkte entfernen</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Entfernen</translation>
    </message>
    <message>
        <source>This product was removed from PriceWatch elsewhere (the command line, the API or another window), so there is nothing to check.</source>
        <translation>Dieses Produkt wurde anderswo aus PriceWatch entfernt (Befehlszeile, API oder ein anderes Fenster), daher gibt es nichts zu prüfen.</translation>
    </message>
    <message>
        <source>{count} of these products were removed from PriceWatch elsewhere (the command line, the API or another window), so there is nothing to check.</source>
        <translation>{count} dieser Produkte wurden anderswo aus PriceWatch entfernt (Befehlszeile, API oder ein anderes Fenster), daher gibt es nichts zu prüfen.</translation>
    </message>
    <message>
        <source>Product removed</source>
        <translation>Produkt entfernt</translation>
    </message>
</context>
<context>
    <name>ProductTableModel</name>
    <message>
        <source>Product</source>
        <translation>Produkt</translation>
    </message>
    <message>
        <source>Shop</source>
        <translation>Händler</translation>
    </message>
    <message>
        <source>Price</source>
        <translation>Preis</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>Änderung</translation>
    </message>
    <message>
        <source>Lowest</source>
        <translation>Tiefstpreis</translation>
    </message>
    <message>
        <source>Highest</source>
        <translation>Höchstpreis</translation>
    </message>
    <message>
        <source>Target</source>
        <translation>Ziel</translation>
    </message>
    <message>
        <source>Availability</source>
        <translation>Verfügbarkeit</translation>
    </message>
    <message>
        <source>Last checked</source>
        <translation>Zuletzt geprüft</translation>
    </message>
    <message>
        <source>Next check</source>
        <translation>Nächste Prüfung</translation>
    </message>
    <message>
        <source>History</source>
        <translation>Verlauf</translation>
    </message>
    <message>
        <source>Deal</source>
        <translation>Preisurteil</translation>
    </message>
    <message>
        <source>Tags</source>
        <translation>Schlagwörter</translation>
    </message>
    <message>
        <source>All shops</source>
        <translation>Alle Shops</translation>
    </message>
    <message>
        <source>Unsure reading: the page does not state this price clearly, so it fires no alert on its own</source>
        <translation>Unsichere Messung: Die Seite nennt diesen Preis nicht eindeutig, daher löst er allein keinen Alarm aus</translation>
    </message>
    <message>
        <source>Sorts by currency, then amount (amounts in different currencies do not compare)</source>
        <translation>Sortiert nach Währung, dann Betrag (Beträge in verschiedenen Währungen sind nicht vergleichbar)</translation>
    </message>
    <message>
        <source>SKU {sku}</source>
        <translation>Art.-Nr. {sku}</translation>
    </message>
    <message>
        <source>chosen offer</source>
        <translation>gewähltes Angebot</translation>
    </message>
    <message>
        <source>soon</source>
        <translation>bald</translation>
    </message>
    <message>
        <source>Retrying at {time}</source>
        <translation>Neuer Versuch um {time}</translation>
    </message>
    <message>
        <source>The last try failed: {error}
Next try at {time}</source>
        <translation>Der letzte Versuch ist fehlgeschlagen: {error}
Nächster Versuch um {time}</translation>
    </message>
    <message>
        <source>Failed: {error}</source>
        <translation>Fehlgeschlagen: {error}</translation>
    </message>
    <message>
        <source>Paused: not checked until you resume it</source>
        <translation>Angehalten: wird nicht geprüft, bis Sie fortsetzen</translation>
    </message>
    <message>
        <source>Variant: {variant}</source>
        <translation>Variante: {variant}</translation>
    </message>
    <message>
        <source>Last error: {error}</source>
        <translation>Letzter Fehler: {error}</translation>
    </message>
</context>
<context>
    <name>ProductTags</name>
    <message>
        <source>Snoozed</source>
        <translation>Schlummert</translation>
    </message>
    <message>
        <source>Snoozed: its notifications, or some of its rules&apos;, are held back (right-click to unsnooze)</source>
        <translation>Schlummert: seine Benachrichtigungen oder die einiger seiner Regeln werden zurückgehalten (Rechtsklick zum Wecken)</translation>
    </message>
</context>
<context>
    <name>ProductsPanel</name>
    <message>
        <source>Search products by name, shop or address  (Ctrl+F)</source>
        <translation>Produkte nach Name, Shop oder Adresse suchen  (Strg+F)</translation>
    </message>
    <message>
        <source>Search products</source>
        <translation>Produkte suchen</translation>
    </message>
    <message>
        <source>&lt;h3&gt;No products yet&lt;/h3&gt;&lt;p&gt;Add one with &lt;b&gt;Add product&lt;/b&gt; (Ctrl+N),&lt;br&gt;or copy a product page&apos;s address and press &lt;b&gt;Ctrl+V&lt;/b&gt; here.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Noch keine Produkte&lt;/h3&gt;&lt;p&gt;Fügen Sie eines mit &lt;b&gt;Produkt hinzufügen&lt;/b&gt; hinzu (Strg+N),&lt;br&gt;oder kopieren Sie die Adresse einer Produktseite und drücken Sie hier &lt;b&gt;Strg+V&lt;/b&gt;.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>No product matches “{typed}”.
Search looks in names, shops and addresses; press Esc to clear it.</source>
        <translation>Kein Produkt passt zu „{typed}“.
Die Suche durchsucht Namen, Shops und Adressen; Esc leert sie.</translation>
    </message>
    <message>
        <source>No product matches this filter.
Choose “All products” to see every product.</source>
        <translation>Kein Produkt passt zu diesem Filter.
Wählen Sie „Alle Produkte“, um jedes Produkt zu sehen.</translation>
    </message>
</context>
<context>
    <name>QuietHours</name>
    <message>
        <source>Hold notifications back during quiet hours</source>
        <translation>Benachrichtigungen während der Ruhezeit zurückhalten</translation>
    </message>
    <message>
        <source>from</source>
        <translation>von</translation>
    </message>
    <message>
        <source>until</source>
        <translation>bis</translation>
    </message>
</context>
<context>
    <name>RuleChoice</name>
    <message>
        <source>The price drops</source>
        <translation>Der Preis sinkt</translation>
    </message>
    <message>
        <source>The price rises</source>
        <translation>Der Preis steigt</translation>
    </message>
    <message>
        <source>It is back in stock</source>
        <translation>Es ist wieder verfügbar</translation>
    </message>
    <message>
        <source>It runs out of stock</source>
        <translation>Es ist ausverkauft</translation>
    </message>
    <message>
        <source>It is the lowest price in 30 days</source>
        <translation>Es ist der niedrigste Preis seit 30 Tagen</translation>
    </message>
    <message>
        <source>Tell me when</source>
        <translation>Benachrichtigen, wenn</translation>
    </message>
</context>
<context>
    <name>RuleSnoozeDialog</name>
    <message>
        <source>Snooze Alerts</source>
        <translation>Alarme schlummern lassen</translation>
    </message>
    <message>
        <source>Every notification:</source>
        <translation>Jede Benachrichtigung:</translation>
    </message>
    <message>
        <source>This product has no alert rules.</source>
        <translation>Dieses Produkt hat keine Alarmregeln.</translation>
    </message>
    <message>
        <source>not snoozed</source>
        <translation>schlummert nicht</translation>
    </message>
    <message>
        <source>Snooze for a day</source>
        <translation>Einen Tag schlummern</translation>
    </message>
    <message>
        <source>Snooze for a week</source>
        <translation>Eine Woche schlummern</translation>
    </message>
    <message>
        <source>Snooze until the price changes</source>
        <translation>Schlummern, bis sich der Preis ändert</translation>
    </message>
    <message>
        <source>Unsnooze</source>
        <translation>Wecken</translation>
    </message>
</context>
<context>
    <name>SaveFilterDialog</name>
    <message>
        <source>Save Filter</source>
        <translation>Filter speichern</translation>
    </message>
    <message>
        <source>e.g. Kitchen deals</source>
        <translation>z. B. Küchenangebote</translation>
    </message>
    <message>
        <source>any shop (or e.g. shop.example)</source>
        <translation>jeder Shop (oder z. B. shop.example)</translation>
    </message>
    <message>
        <source>At or below the target price</source>
        <translation>Höchstens beim Zielpreis</translation>
    </message>
    <message>
        <source>In stock</source>
        <translation>Verfügbar</translation>
    </message>
    <message>
        <source>Price dropped in the last seven days</source>
        <translation>Preis in den letzten sieben Tagen gesunken</translation>
    </message>
    <message>
        <source>Newest reading is unsure</source>
        <translation>Neueste Ablesung ist unsicher</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>&amp;Name:</translation>
    </message>
    <message>
        <source>&amp;Tag:</source>
        <translation>&amp;Schlagwort:</translation>
    </message>
    <message>
        <source>S&amp;hop:</source>
        <translation>S&amp;hop:</translation>
    </message>
    <message>
        <source>Choose at least one condition.</source>
        <translation>Wählen Sie mindestens eine Bedingung.</translation>
    </message>
</context>
<context>
    <name>Schedule</name>
    <message>
        <source>paused</source>
        <translation>angehalten</translation>
    </message>
    <message>
        <source>not scheduled</source>
        <translation>nicht geplant</translation>
    </message>
    <message>
        <source>checks paused</source>
        <translation>Prüfungen angehalten</translation>
    </message>
    <message>
        <source>scheduler off</source>
        <translation>Planer aus</translation>
    </message>
</context>
<context>
    <name>SchemaWatch</name>
    <message>
        <source>PriceWatch was updated</source>
        <translation>PriceWatch wurde aktualisiert</translation>
    </message>
    <message>
        <source>A newer PriceWatch upgraded the database while this window was open (schema version {old} → {new}).

This window can no longer save anything: checks, edits and scheduled runs would fail. Restart PriceWatch to continue with the new version.</source>
        <translation>Ein neueres PriceWatch hat die Datenbank aktualisiert, während dieses Fenster offen war (Schemaversion {old} → {new}).

Dieses Fenster kann nichts mehr speichern: Prüfungen, Änderungen und geplante Läufe würden fehlschlagen. Starten Sie PriceWatch neu, um mit der neuen Version weiterzumachen.</translation>
    </message>
    <message>
        <source>Restart PriceWatch</source>
        <translation>PriceWatch neu starten</translation>
    </message>
    <message>
        <source>Later</source>
        <translation>Später</translation>
    </message>
    <message>
        <source>(restart PriceWatch first: it was updated)</source>
        <translation>(zuerst PriceWatch neu starten: es wurde aktualisiert)</translation>
    </message>
</context>
<context>
    <name>SelectorCheck</name>
    <message>
        <source>Not a valid CSS selector: {detail}</source>
        <translation>Kein gültiger CSS-Selektor: {detail}</translation>
    </message>
    <message>
        <source>Not a valid CSS selector.</source>
        <translation>Kein gültiger CSS-Selektor.</translation>
    </message>
</context>
<context>
    <name>Settings</name>
    <message>
        <source>Check each new product every</source>
        <translation>Jedes neue Produkt prüfen alle</translation>
    </message>
    <message>
        <source> min</source>
        <translation> min</translation>
    </message>
    <message>
        <source>How often a product is checked unless you set its own interval</source>
        <translation>Wie oft ein Produkt geprüft wird, wenn Sie keinen eigenen Abstand setzen</translation>
    </message>
    <message>
        <source>Hourly check at minute</source>
        <translation>Stündliche Prüfung zur Minute</translation>
    </message>
    <message>
        <source>Look for products due every</source>
        <translation>Nach fälligen Produkten sehen alle</translation>
    </message>
    <message>
        <source>How often PriceWatch wakes up to check the products that are due</source>
        <translation>Wie oft PriceWatch aufwacht, um fällige Produkte zu prüfen</translation>
    </message>
    <message>
        <source>Random delay up to</source>
        <translation>Zufällige Verzögerung bis zu</translation>
    </message>
    <message>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <source>Spreads checks over time</source>
        <translation>Verteilt die Prüfungen über die Zeit</translation>
    </message>
    <message>
        <source>Daily clean-up at hour</source>
        <translation>Tägliche Bereinigung zur Stunde</translation>
    </message>
    <message>
        <source>Daily clean-up at minute</source>
        <translation>Tägliche Bereinigung zur Minute</translation>
    </message>
    <message>
        <source>Cache clean-up every</source>
        <translation>Zwischenspeicher bereinigen alle</translation>
    </message>
    <message>
        <source> h</source>
        <translation> h</translation>
    </message>
    <message>
        <source>Pause scheduled checks</source>
        <translation>Geplante Prüfungen anhalten</translation>
    </message>
    <message>
        <source>User agent</source>
        <translation>User-Agent-Kennung</translation>
    </message>
    <message>
        <source>How PriceWatch introduces itself to shops</source>
        <translation>Wie sich PriceWatch bei Shops vorstellt</translation>
    </message>
    <message>
        <source>Connect timeout</source>
        <translation>Zeitlimit für den Verbindungsaufbau</translation>
    </message>
    <message>
        <source>Read timeout</source>
        <translation>Zeitlimit für das Lesen</translation>
    </message>
    <message>
        <source>Give up a page after</source>
        <translation>Eine Seite aufgeben nach</translation>
    </message>
    <message>
        <source>Largest page</source>
        <translation>Größte Seite</translation>
    </message>
    <message>
        <source> MB</source>
        <translation> MB</translation>
    </message>
    <message>
        <source>Requests at once per shop</source>
        <translation>Gleichzeitige Anfragen pro Shop</translation>
    </message>
    <message>
        <source>Pause between requests to a shop</source>
        <translation>Pause zwischen Anfragen an einen Shop</translation>
    </message>
    <message>
        <source>Respect robots.txt</source>
        <translation>robots.txt beachten</translation>
    </message>
    <message>
        <source>Show product images</source>
        <translation>Produktbilder zeigen</translation>
    </message>
    <message>
        <source>Fetches each product&apos;s picture once</source>
        <translation>Lädt das Bild jedes Produkts einmal</translation>
    </message>
    <message>
        <source>Proxy</source>
        <translation>Proxy-Server</translation>
    </message>
    <message>
        <source>http://host:port or socks5://host:port; empty: none</source>
        <translation>http://host:port oder socks5://host:port; leer: keiner</translation>
    </message>
    <message>
        <source>Use a browser for shops that need one</source>
        <translation>Für Shops, die einen brauchen, einen Browser verwenden</translation>
    </message>
    <message>
        <source>Pages built by scripts</source>
        <translation>Seiten, die Skripte aufbauen</translation>
    </message>
    <message>
        <source>Pages rendered at once</source>
        <translation>Gleichzeitig dargestellte Seiten</translation>
    </message>
    <message>
        <source>Pages waiting at most</source>
        <translation>Höchstens wartende Seiten</translation>
    </message>
    <message>
        <source>Give up a rendered page after</source>
        <translation>Eine dargestellte Seite aufgeben nach</translation>
    </message>
    <message>
        <source>Restart the browser after</source>
        <translation>Browser neu starten nach</translation>
    </message>
    <message>
        <source> pages</source>
        <translation> Seiten</translation>
    </message>
    <message>
        <source>Restart the browser above</source>
        <translation>Browser neu starten über</translation>
    </message>
    <message>
        <source>Browser user agent</source>
        <translation>User-Agent-Kennung des Browsers</translation>
    </message>
    <message>
        <source>Empty: the browser&apos;s own, naming PriceWatch</source>
        <translation>Leer: die des Browsers, mit PriceWatch im Namen</translation>
    </message>
    <message>
        <source>Run tasks</source>
        <translation>Aufgaben ausführen</translation>
    </message>
    <message>
        <source>Applies after a restart</source>
        <translation>Gilt nach einem Neustart</translation>
    </message>
    <message>
        <source>Default queue workers</source>
        <translation>Arbeiter der Standard-Warteschlange</translation>
    </message>
    <message>
        <source>Scraping queue workers</source>
        <translation>Arbeiter der Lese-Warteschlange</translation>
    </message>
    <message>
        <source>Notification queue workers</source>
        <translation>Arbeiter der Benachrichtigungs-Warteschlange</translation>
    </message>
    <message>
        <source>Retries for temporary errors</source>
        <translation>Wiederholungen bei vorübergehenden Fehlern</translation>
    </message>
    <message>
        <source>First retry after about</source>
        <translation>Erste Wiederholung nach etwa</translation>
    </message>
    <message>
        <source>Doubles each time, with jitter</source>
        <translation>Verdoppelt sich jedes Mal, mit Zufallsanteil</translation>
    </message>
    <message>
        <source>Longest wait between retries</source>
        <translation>Längste Wartezeit zwischen Wiederholungen</translation>
    </message>
    <message>
        <source>Keep finished tasks for</source>
        <translation>Erledigte Aufgaben aufbewahren für</translation>
    </message>
    <message>
        <source> days</source>
        <translation> Tage</translation>
    </message>
    <message>
        <source>Read pages in separate processes</source>
        <translation>Seiten in eigenen Prozessen lesen</translation>
    </message>
    <message>
        <source>One per core</source>
        <translation>Einer pro Kern</translation>
    </message>
    <message>
        <source>Task lease</source>
        <translation>Aufgaben-Lease</translation>
    </message>
    <message>
        <source>Another computer&apos;s unfinished tasks are taken over after this long without a sign of life</source>
        <translation>Unerledigte Aufgaben eines anderen Computers werden nach so langer Zeit ohne Lebenszeichen übernommen</translation>
    </message>
    <message>
        <source>Sign of life every</source>
        <translation>Lebenszeichen alle</translation>
    </message>
    <message>
        <source>At most a third of the lease</source>
        <translation>Höchstens ein Drittel der Lease</translation>
    </message>
    <message>
        <source>Celery broker</source>
        <translation>Celery-Vermittler</translation>
    </message>
    <message>
        <source>redis://host:6379/0, or amqp://user:password@host:5672// for RabbitMQ</source>
        <translation>redis://host:6379/0, oder amqp://benutzer:passwort@host:5672// für RabbitMQ</translation>
    </message>
    <message>
        <source>Celery results (Redis)</source>
        <translation>Celery-Ergebnisse (Redis)</translation>
    </message>
    <message>
        <source>Where workers put results and keep the pauses between requests to a shop; empty: the broker when it is Redis</source>
        <translation>Wo Worker Ergebnisse ablegen und die Pausen zwischen Anfragen an einen Shop festhalten; leer: der Vermittler, wenn er Redis ist</translation>
    </message>
    <message>
        <source>RabbitMQ queues</source>
        <translation>RabbitMQ-Warteschlangen</translation>
    </message>
    <message>
        <source>Quorum queues survive a broker restart; classic ones are lighter</source>
        <translation>Quorum-Warteschlangen überstehen einen Neustart des Vermittlers; klassische sind leichter</translation>
    </message>
    <message>
        <source>Checks waiting on workers at most</source>
        <translation>Höchstens auf Worker wartende Prüfungen</translation>
    </message>
    <message>
        <source>Check here when no worker takes it within</source>
        <translation>Hier prüfen, wenn kein Worker sie übernimmt binnen</translation>
    </message>
    <message>
        <source>Keep cached pages</source>
        <translation>Zwischengespeicherte Seiten ablegen</translation>
    </message>
    <message>
        <source>Redis address</source>
        <translation>Redis-Adresse</translation>
    </message>
    <message>
        <source>Used when cached pages are kept in Redis</source>
        <translation>Wird verwendet, wenn zwischengespeicherte Seiten in Redis liegen</translation>
    </message>
    <message>
        <source>Redis key prefix</source>
        <translation>Präfix der Redis-Schlüssel</translation>
    </message>
    <message>
        <source>Lets several programs share one Redis</source>
        <translation>Damit mehrere Programme ein Redis teilen können</translation>
    </message>
    <message>
        <source>Cached pages</source>
        <translation>Zwischengespeicherte Seiten</translation>
    </message>
    <message>
        <source>Keep cached pages for</source>
        <translation>Zwischengespeicherte Seiten behalten für</translation>
    </message>
    <message>
        <source>Cache size limit</source>
        <translation>Größengrenze des Zwischenspeichers</translation>
    </message>
    <message>
        <source>Memory for cached pages; 0: no limit</source>
        <translation>Speicher für zwischengespeicherte Seiten; 0: keine Grenze</translation>
    </message>
    <message>
        <source>Desktop notifications</source>
        <translation>Desktop-Benachrichtigungen</translation>
    </message>
    <message>
        <source>Tray messages</source>
        <translation>Meldungen im Infobereich</translation>
    </message>
    <message>
        <source>Other services (Apprise)</source>
        <translation>Andere Dienste (Apprise)</translation>
    </message>
    <message>
        <source>Phone, e-mail or chat through Apprise: one address per line, for example ntfy://topic</source>
        <translation>Telefon, E-Mail oder Chat über Apprise: eine Adresse pro Zeile, zum Beispiel ntfy://thema</translation>
    </message>
    <message>
        <source>Quiet hours from</source>
        <translation>Ruhezeit von</translation>
    </message>
    <message>
        <source>HH:MM; empty: no quiet hours</source>
        <translation>HH:MM; leer: keine Ruhezeit</translation>
    </message>
    <message>
        <source>Quiet hours until</source>
        <translation>Ruhezeit bis</translation>
    </message>
    <message>
        <source>HH:MM</source>
        <translation>HH:MM</translation>
    </message>
    <message>
        <source>Alerts for new products</source>
        <translation>Alarme für neue Produkte</translation>
    </message>
    <message>
        <source>One per line: any_drop, price_increase, back_in_stock, out_of_stock, lowest_in_days</source>
        <translation>Eine pro Zeile: any_drop, price_increase, back_in_stock, out_of_stock, lowest_in_days</translation>
    </message>
    <message>
        <source>Notifications per product a day</source>
        <translation>Benachrichtigungen pro Produkt und Tag</translation>
    </message>
    <message>
        <source>0: no limit</source>
        <translation>0: keine Grenze</translation>
    </message>
    <message>
        <source>Enable the local API</source>
        <translation>Lokale API einschalten</translation>
    </message>
    <message>
        <source>Listen on</source>
        <translation>Lauschen auf</translation>
    </message>
    <message>
        <source>127.0.0.1 keeps it on this computer</source>
        <translation>127.0.0.1 hält sie auf diesem Computer</translation>
    </message>
    <message>
        <source>Port</source>
        <translation>Portnummer</translation>
    </message>
    <message>
        <source>Largest request</source>
        <translation>Größte Anfrage</translation>
    </message>
    <message>
        <source> KB</source>
        <translation> KB</translation>
    </message>
    <message>
        <source>Closing the window keeps PriceWatch in the tray</source>
        <translation>Beim Schließen des Fensters bleibt PriceWatch im Infobereich</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Sprache</translation>
    </message>
    <message>
        <source>Exchange rates from</source>
        <translation>Wechselkurse von</translation>
    </message>
    <message>
        <source>A daily reference-rate file in the European Central Bank&apos;s format (its own by default)</source>
        <translation>Eine tägliche Referenzkursdatei im Format der Europäischen Zentralbank (standardmäßig deren eigene)</translation>
    </message>
    <message>
        <source>Fetch the rates daily at hour</source>
        <translation>Kurse täglich abrufen um (Stunde)</translation>
    </message>
    <message>
        <source>Local time</source>
        <translation>Ortszeit</translation>
    </message>
    <message>
        <source>Rates are out of date after</source>
        <translation>Kurse veralten nach</translation>
    </message>
    <message>
        <source>The bank publishes on working days only</source>
        <translation>Die Bank veröffentlicht nur an Werktagen</translation>
    </message>
    <message>
        <source>In background threads</source>
        <translation>In Hintergrund-Threads</translation>
    </message>
    <message>
        <source>One at a time, in the calling thread (debugging)</source>
        <translation>Eine nach der anderen, im aufrufenden Thread (Fehlersuche)</translation>
    </message>
    <message>
        <source>Page reads on Celery workers</source>
        <translation>Seiten auf Celery-Workern lesen</translation>
    </message>
    <message>
        <source>Quorum queues</source>
        <translation>Quorum-Warteschlangen</translation>
    </message>
    <message>
        <source>Classic queues</source>
        <translation>Klassische Warteschlangen</translation>
    </message>
    <message>
        <source>In this program&apos;s memory</source>
        <translation>Im Speicher dieses Programms</translation>
    </message>
    <message>
        <source>In Redis (shared with other programs)</source>
        <translation>In Redis (mit anderen Programmen geteilt)</translation>
    </message>
    <message>
        <source>As the system is set</source>
        <translation>Wie im System eingestellt</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Checks</source>
        <translation>Prüfungen</translation>
    </message>
    <message>
        <source>Notifications</source>
        <translation>Benachrichtigungen</translation>
    </message>
    <message>
        <source>Window</source>
        <translation>Fenster</translation>
    </message>
    <message>
        <source>Schedule details</source>
        <translation>Details des Zeitplans</translation>
    </message>
    <message>
        <source>Fetching pages and politeness towards shops</source>
        <translation>Seitenabruf und Rücksicht auf Shops</translation>
    </message>
    <message>
        <source>Shops that need a browser</source>
        <translation>Shops, die einen Browser brauchen</translation>
    </message>
    <message>
        <source>Background tasks (engine)</source>
        <translation>Hintergrundaufgaben (Engine)</translation>
    </message>
    <message>
        <source>Page cache</source>
        <translation>Seiten-Zwischenspeicher</translation>
    </message>
    <message>
        <source>Local HTTP API</source>
        <translation>Lokale HTTP-API</translation>
    </message>
    <message>
        <source>Exchange rates</source>
        <translation>Wechselkurse</translation>
    </message>
    <message>
        <source>PriceWatch Settings</source>
        <translation>PriceWatch-Einstellungen</translation>
    </message>
    <message>
        <source>General</source>
        <translation>Allgemein</translation>
    </message>
    <message>
        <source>Advanced</source>
        <translation>Erweitert</translation>
    </message>
    <message>
        <source>Data</source>
        <translation>Daten</translation>
    </message>
    <message>
        <source>Send a Test Notification</source>
        <translation>Testbenachrichtigung senden</translation>
    </message>
    <message>
        <source>Through every channel switched on above, as set here (before saving)</source>
        <translation>Über jeden oben eingeschalteten Kanal, wie hier eingestellt (vor dem Speichern)</translation>
    </message>
    <message>
        <source>Quiet hours</source>
        <translation>Ruhezeit</translation>
    </message>
    <message>
        <source>The alerts every new product starts with (window, CLI, API or import)</source>
        <translation>Die Alarme, mit denen jedes neue Produkt beginnt (Fenster, Befehlszeile, API oder Import)</translation>
    </message>
    <message>
        <source>New products</source>
        <translation>Neue Produkte</translation>
    </message>
    <message>
        <source>Language and region</source>
        <translation>Sprache und Region</translation>
    </message>
    <message>
        <source>A new language applies after PriceWatch restarts.</source>
        <translation>Eine neue Sprache gilt nach dem Neustart von PriceWatch.</translation>
    </message>
    <message>
        <source>These rarely need changing. Hover over a field for what it does.</source>
        <translation>Diese müssen selten geändert werden. Für eine Erklärung mit der Maus auf ein Feld zeigen.</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>Zeigen</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Kopieren</translation>
    </message>
    <message>
        <source>Regenerate</source>
        <translation>Neu erzeugen</translation>
    </message>
    <message>
        <source>Access token</source>
        <translation>Zugriffstoken</translation>
    </message>
    <message>
        <source>Running at {address}</source>
        <translation>Läuft unter {address}</translation>
    </message>
    <message>
        <source>Not running</source>
        <translation>Läuft nicht</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>Add the page you are on to PriceWatch from your web browser</source>
        <translation>Die Seite, auf der Sie sind, aus dem Webbrowser zu PriceWatch hinzufügen</translation>
    </message>
    <message>
        <source>Available while the API runs</source>
        <translation>Verfügbar, solange die API läuft</translation>
    </message>
    <message>
        <source>Bookmarklet</source>
        <translation>Lesezeichen-Skript</translation>
    </message>
    <message>
        <source>Data folder</source>
        <translation>Datenordner</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source>Cache</source>
        <translation>Zwischenspeicher</translation>
    </message>
    <message>
        <source>Logs</source>
        <translation>Protokolle</translation>
    </message>
    <message>
        <source>Database</source>
        <translation>Datenbank</translation>
    </message>
    <message>
        <source>Hide</source>
        <translation>Verbergen</translation>
    </message>
    <message>
        <source>Regenerate the access token?</source>
        <translation>Zugriffstoken neu erzeugen?</translation>
    </message>
    <message>
        <source>A new access token will replace the current one when you press Save. Scripts and tools that use the current token will then be refused until you give them the new one.</source>
        <translation>Ein neues Zugriffstoken ersetzt das aktuelle, wenn Sie auf Speichern drücken. Skripte und Werkzeuge mit dem aktuellen Token werden dann abgewiesen, bis Sie ihnen das neue geben.</translation>
    </message>
    <message>
        <source>Make a New Token</source>
        <translation>Neues Token erzeugen</translation>
    </message>
    <message>
        <source>New token: it replaces the current one when you press Save (Cancel keeps it).</source>
        <translation>Neues Token: Es ersetzt das aktuelle, wenn Sie auf Speichern drücken (Abbrechen behält es).</translation>
    </message>
    <message>
        <source>Sending…</source>
        <translation>Wird gesendet…</translation>
    </message>
    <message>
        <source>{label}: use HH:MM, for example 22:00</source>
        <translation>{label}: im Format HH:MM, zum Beispiel 22:00</translation>
    </message>
    <message>
        <source>Quiet hours need both a start and an end</source>
        <translation>Die Ruhezeit braucht Beginn und Ende</translation>
    </message>
    <message>
        <source>The user agent cannot be empty</source>
        <translation>Die User-Agent-Kennung darf nicht leer sein</translation>
    </message>
    <message>
        <source>Sign of life every {beat} s: at most a third of the task lease ({lease} s)</source>
        <translation>Lebenszeichen alle {beat} s: höchstens ein Drittel der Aufgaben-Lease ({lease} s)</translation>
    </message>
    <message>
        <source>The API needs an address to listen on</source>
        <translation>Die API braucht eine Adresse zum Lauschen</translation>
    </message>
    <message>
        <source>The API could not start: {error}</source>
        <translation>Die API konnte nicht starten: {error}</translation>
    </message>
</context>
<context>
    <name>ShopActions</name>
    <message>
        <source> ({count} shops)</source>
        <translation> ({count} Shops)</translation>
    </message>
    <message>
        <source>There is no other product to merge with</source>
        <translation>Es gibt kein anderes Produkt zum Zusammenführen</translation>
    </message>
    <message>
        <source>Merge With…</source>
        <translation>Zusammenführen mit…</translation>
    </message>
    <message>
        <source>The same item as this product:</source>
        <translation>Derselbe Artikel wie dieses Produkt:</translation>
    </message>
    <message>
        <source>The listing is a product of its own again</source>
        <translation>Das Angebot ist wieder ein eigenes Produkt</translation>
    </message>
    <message>
        <source>Added another shop; checking its price…</source>
        <translation>Weiteren Shop hinzugefügt; sein Preis wird geprüft…</translation>
    </message>
    <message>
        <source>Merged: one product in {count} shops</source>
        <translation>Zusammengeführt: ein Produkt in {count} Shops</translation>
    </message>
</context>
<context>
    <name>Snoozes</name>
    <message>
        <source>Price at or below {amount}</source>
        <translation>Preis höchstens {amount}</translation>
    </message>
    <message>
        <source>Drop of at least {percent} %</source>
        <translation>Senkung um mindestens {percent} %</translation>
    </message>
    <message>
        <source>Drop of at least {amount}</source>
        <translation>Senkung um mindestens {amount}</translation>
    </message>
    <message>
        <source>Any price drop</source>
        <translation>Jede Preissenkung</translation>
    </message>
    <message>
        <source>Any price increase</source>
        <translation>Jede Preiserhöhung</translation>
    </message>
    <message>
        <source>Back in stock</source>
        <translation>Wieder verfügbar</translation>
    </message>
    <message>
        <source>Out of stock</source>
        <translation>Ausverkauft</translation>
    </message>
    <message>
        <source>Lowest price of the last {days} days</source>
        <translation>Niedrigster Preis der letzten {days} Tage</translation>
    </message>
    <message>
        <source>Cheapest shop at or below {home}</source>
        <translation>Günstigster Shop höchstens {home}</translation>
    </message>
    <message>
        <source>snoozed until the price changes</source>
        <translation>schlummert, bis sich der Preis ändert</translation>
    </message>
    <message>
        <source>snoozed until {when}</source>
        <translation>schlummert bis {when}</translation>
    </message>
</context>
<context>
    <name>StatusBar</name>
    <message>
        <source>1 product</source>
        <translation>1 Produkt</translation>
    </message>
    <message>
        <source>{total} products</source>
        <translation>{total} Produkte</translation>
    </message>
    <message>
        <source>{shown} of 1 product</source>
        <translation>{shown} von 1 Produkt</translation>
    </message>
    <message>
        <source>{shown} of {total} products</source>
        <translation>{shown} von {total} Produkten</translation>
    </message>
    <message>
        <source>Scheduled checks stopped</source>
        <translation>Geplante Prüfungen gestoppt</translation>
    </message>
    <message>
        <source>Scheduled checks paused</source>
        <translation>Geplante Prüfungen angehalten</translation>
    </message>
    <message>
        <source>Next check {when}</source>
        <translation>Nächste Prüfung {when}</translation>
    </message>
    <message>
        <source>Next check: {time}</source>
        <translation>Nächste Prüfung: {time}</translation>
    </message>
    <message>
        <source>none due</source>
        <translation>keine fällig</translation>
    </message>
    <message>
        <source>Next check: {reason}</source>
        <translation>Nächste Prüfung: {reason}</translation>
    </message>
    <message>
        <source>⚠ {schedule} · last run failed</source>
        <translation>⚠ {schedule} · letzter Lauf fehlgeschlagen</translation>
    </message>
    <message>
        <source>Checks on workers</source>
        <translation>Prüfungen auf den Workern</translation>
    </message>
    <message>
        <source>Checks here, not on workers</source>
        <translation>Prüfungen hier, nicht auf den Workern</translation>
    </message>
    <message>
        <source>Connecting to the workers</source>
        <translation>Verbindung zu den Workern wird aufgebaut</translation>
    </message>
    <message>
        <source>PriceWatch was updated — Restart</source>
        <translation>PriceWatch wurde aktualisiert — Neu starten</translation>
    </message>
    <message>
        <source>A newer PriceWatch upgraded the database; this window can no longer save anything</source>
        <translation>Ein neueres PriceWatch hat die Datenbank aktualisiert; dieses Fenster kann nichts mehr speichern</translation>
    </message>
</context>
<context>
    <name>Stock</name>
    <message>
        <source>In stock</source>
        <translation>Auf Lager</translation>
    </message>
    <message>
        <source>Out of stock</source>
        <translation>Ausverkauft</translation>
    </message>
    <message>
        <source>Pre-order</source>
        <translation>Vorbestellbar</translation>
    </message>
    <message>
        <source>Back-order</source>
        <translation>Nachbestellt</translation>
    </message>
    <message>
        <source>Stock not stated</source>
        <translation>Bestand nicht angegeben</translation>
    </message>
</context>
<context>
    <name>TaskActivity</name>
    <message>
        <source>Checking {}</source>
        <translation>Prüfe {}</translation>
    </message>
    <message>
        <source>Checking a product</source>
        <translation>Prüfe ein Produkt</translation>
    </message>
    <message>
        <source>Checking prices</source>
        <translation>Prüfe Preise</translation>
    </message>
    <message>
        <source>Looking up {}</source>
        <translation>Rufe {} ab</translation>
    </message>
    <message>
        <source>Looking up pages</source>
        <translation>Rufe Seiten ab</translation>
    </message>
    <message>
        <source>Cleaning up old data</source>
        <translation>Bereinige alte Daten</translation>
    </message>
    <message>
        <source>Clearing old cached pages</source>
        <translation>Leere alte zwischengespeicherte Seiten</translation>
    </message>
    <message>
        <source>Notifying: {}</source>
        <translation>Benachrichtige: {}</translation>
    </message>
    <message>
        <source>Sending a notification</source>
        <translation>Sende eine Benachrichtigung</translation>
    </message>
    <message>
        <source>Sending notifications</source>
        <translation>Sende Benachrichtigungen</translation>
    </message>
    <message>
        <source>Sending notifications held in quiet hours</source>
        <translation>Sende in der Ruhezeit zurückgehaltene Benachrichtigungen</translation>
    </message>
    <message>
        <source>Sending held notifications</source>
        <translation>Sende zurückgehaltene Benachrichtigungen</translation>
    </message>
    <message>
        <source>Fetching the picture of {}</source>
        <translation>Lade das Bild von {}</translation>
    </message>
    <message>
        <source>Fetching a picture</source>
        <translation>Lade ein Bild</translation>
    </message>
    <message>
        <source>Reading {}</source>
        <translation>Lese {}</translation>
    </message>
    <message>
        <source>a page</source>
        <translation>eine Seite</translation>
    </message>
    <message>
        <source>Checking every product</source>
        <translation>Prüfe alle Produkte</translation>
    </message>
    <message>
        <source>Checking the products that are due</source>
        <translation>Prüfe die fälligen Produkte</translation>
    </message>
</context>
<context>
    <name>TaskColumns</name>
    <message>
        <source>Activity</source>
        <translation>Tätigkeit</translation>
    </message>
    <message>
        <source>Task</source>
        <translation>Aufgabe</translation>
    </message>
    <message>
        <source>Product or URL</source>
        <translation>Produkt oder Adresse</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>Warteschlange</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>Fortschritt</translation>
    </message>
    <message>
        <source>Retries</source>
        <translation>Wiederholungen</translation>
    </message>
    <message>
        <source>Queued</source>
        <translation>Eingereiht</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>Gestartet</translation>
    </message>
    <message>
        <source>Finished</source>
        <translation>Beendet</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>Dauer</translation>
    </message>
    <message>
        <source>Result or error</source>
        <translation>Ergebnis oder Fehler</translation>
    </message>
    <message>
        <source>Running</source>
        <translation>Läuft</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Erledigt</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
    <message>
        <source>Retrying</source>
        <translation>Wird wiederholt</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Abgebrochen</translation>
    </message>
    <message>
        <source>Look up page</source>
        <translation>Seite abrufen</translation>
    </message>
    <message>
        <source>Look up pages</source>
        <translation>Seiten abrufen</translation>
    </message>
    <message>
        <source>Check prices</source>
        <translation>Preise prüfen</translation>
    </message>
    <message>
        <source>Check price</source>
        <translation>Preis prüfen</translation>
    </message>
    <message>
        <source>Clean up old data</source>
        <translation>Alte Daten bereinigen</translation>
    </message>
    <message>
        <source>Clear old cache</source>
        <translation>Alten Zwischenspeicher leeren</translation>
    </message>
    <message>
        <source>Send notification</source>
        <translation>Benachrichtigung senden</translation>
    </message>
    <message>
        <source>Send notifications</source>
        <translation>Benachrichtigungen senden</translation>
    </message>
    <message>
        <source>Send held notifications</source>
        <translation>Zurückgehaltene Benachrichtigungen senden</translation>
    </message>
    <message>
        <source>Fetch picture</source>
        <translation>Bild laden</translation>
    </message>
    <message>
        <source>all products</source>
        <translation>alle Produkte</translation>
    </message>
    <message>
        <source>due products</source>
        <translation>fällige Produkte</translation>
    </message>
    <message>
        <source>1 page</source>
        <translation>1 Seite</translation>
    </message>
    <message>
        <source>{count} pages</source>
        <translation>{count} Seiten</translation>
    </message>
    <message>
        <source>1 product</source>
        <translation>1 Produkt</translation>
    </message>
    <message>
        <source>{count} products</source>
        <translation>{count} Produkte</translation>
    </message>
    <message>
        <source>Look up page (preview)</source>
        <translation>Seite abrufen (Vorschau)</translation>
    </message>
    <message>
        <source>Scrape page</source>
        <translation>Seite auslesen</translation>
    </message>
    <message>
        <source>product {id}</source>
        <translation>Produkt {id}</translation>
    </message>
    <message>
        <source>Done, {count} failed</source>
        <translation>Erledigt, {count} fehlgeschlagen</translation>
    </message>
    <message>
        <source>picture could not be fetched</source>
        <translation>Bild konnte nicht geladen werden</translation>
    </message>
    <message>
        <source>next try {when}: {error}</source>
        <translation>nächster Versuch {when}: {error}</translation>
    </message>
    <message>
        <source>{products} checked</source>
        <translation>{products} geprüft</translation>
    </message>
    <message>
        <source>on {worker}</source>
        <translation>auf {worker}</translation>
    </message>
</context>
<context>
    <name>TaskDetail</name>
    <message>
        <source>Queue</source>
        <translation>Warteschlange</translation>
    </message>
    <message>
        <source>priority</source>
        <translation>Priorität</translation>
    </message>
    <message>
        <source>&lt;b&gt;tries&lt;/b&gt; {tries} of {most}</source>
        <translation>&lt;b&gt;Versuch&lt;/b&gt; {tries} von {most}</translation>
    </message>
    <message>
        <source>&lt;b&gt;Read on&lt;/b&gt; {worker} (a Celery worker)</source>
        <translation>&lt;b&gt;Gelesen auf&lt;/b&gt; {worker} (ein Celery-Worker)</translation>
    </message>
    <message>
        <source>Part of</source>
        <translation>Teil von</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>Fortschritt</translation>
    </message>
    <message>
        <source>Children</source>
        <translation>Unteraufgaben</translation>
    </message>
    <message>
        <source>Queued</source>
        <translation>Eingereiht</translation>
    </message>
    <message>
        <source>Started</source>
        <translation>Gestartet</translation>
    </message>
    <message>
        <source>Next try</source>
        <translation>Nächster Versuch</translation>
    </message>
    <message>
        <source>Finished</source>
        <translation>Beendet</translation>
    </message>
    <message>
        <source>Took</source>
        <translation>Dauerte</translation>
    </message>
    <message>
        <source>Timeline</source>
        <translation>Zeitablauf</translation>
    </message>
    <message>
        <source>Arguments</source>
        <translation>Argumente</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>Ergebnis</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <source>Traceback</source>
        <translation>Ablaufverfolgung</translation>
    </message>
</context>
<context>
    <name>TaskDetailPane</name>
    <message>
        <source>Select a task to see its arguments, result and timeline.</source>
        <translation>Wählen Sie eine Aufgabe, um Argumente, Ergebnis und Zeitablauf zu sehen.</translation>
    </message>
</context>
<context>
    <name>TaskPanel</name>
    <message>
        <source>All states</source>
        <translation>Alle Zustände</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>Aktiv</translation>
    </message>
    <message>
        <source>Running</source>
        <translation>Läuft</translation>
    </message>
    <message>
        <source>Queued</source>
        <translation>Eingereiht</translation>
    </message>
    <message>
        <source>Retrying</source>
        <translation>Wird wiederholt</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Erledigt</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Abgebrochen</translation>
    </message>
    <message>
        <source>All tasks</source>
        <translation>Alle Aufgaben</translation>
    </message>
    <message>
        <source>All queues</source>
        <translation>Alle Warteschlangen</translation>
    </message>
    <message>
        <source>Filter by product, address or error</source>
        <translation>Nach Produkt, Adresse oder Fehler filtern</translation>
    </message>
    <message>
        <source>&amp;Cancel Task</source>
        <translation>Aufgabe &amp;abbrechen</translation>
    </message>
    <message>
        <source>&amp;Retry Task</source>
        <translation>Aufgabe &amp;wiederholen</translation>
    </message>
    <message>
        <source>Copy &amp;Error</source>
        <translation>&amp;Fehler kopieren</translation>
    </message>
    <message>
        <source>Copy Task &amp;ID</source>
        <translation>Aufgaben-&amp;ID kopieren</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>Zeigen</translation>
    </message>
    <message>
        <source>Queued {task} again</source>
        <translation>{task} erneut eingereiht</translation>
    </message>
</context>
<context>
    <name>Time</name>
    <message>
        <source>now</source>
        <translation>jetzt</translation>
    </message>
</context>
<context>
    <name>TransferActions</name>
    <message>
        <source>JSON export (*.json);;CSV spreadsheet (*.csv)</source>
        <translation>JSON-Export (*.json);;CSV-Tabelle (*.csv)</translation>
    </message>
    <message>
        <source>Export products and price history</source>
        <translation>Produkte und Preisverlauf exportieren</translation>
    </message>
    <message>
        <source>JSON export (*.json);;CSV spreadsheet (*.csv);;All files (*)</source>
        <translation>JSON-Export (*.json);;CSV-Tabelle (*.csv);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Import products</source>
        <translation>Produkte importieren</translation>
    </message>
</context>
<context>
    <name>TrayIcon</name>
    <message>
        <source>&amp;Hide PriceWatch</source>
        <translation>PriceWatch &amp;verbergen</translation>
    </message>
    <message>
        <source>&amp;Show PriceWatch</source>
        <translation>PriceWatch &amp;zeigen</translation>
    </message>
</context>
<context>
    <name>WhyPrice</name>
    <message>
        <source>Why this price?</source>
        <translation>Warum dieser Preis?</translation>
    </message>
    <message>
        <source>Price</source>
        <translation>Preis</translation>
    </message>
    <message>
        <source>Read from</source>
        <translation>Gelesen aus</translation>
    </message>
    <message>
        <source>Element</source>
        <translation>Seitenelement</translation>
    </message>
    <message>
        <source>List price</source>
        <translation>Listenpreis</translation>
    </message>
    <message>
        <source>Certainty</source>
        <translation>Sicherheit</translation>
    </message>
    <message>
        <source>Evidence</source>
        <translation>Belege</translation>
    </message>
    <message>
        <source>&amp;Read the page again</source>
        <translation>Seite &amp;erneut lesen</translation>
    </message>
    <message>
        <source>Prices that competed with it:</source>
        <translation>Preise, die mit ihm konkurrierten:</translation>
    </message>
    <message>
        <source>Looking for the last reading…</source>
        <translation>Suche die letzte Messung…</translation>
    </message>
    <message>
        <source>PriceWatch kept no details of the last reading; reading the page again…</source>
        <translation>PriceWatch hat keine Details der letzten Messung; die Seite wird erneut gelesen…</translation>
    </message>
    <message>
        <source>From the reading {when}.</source>
        <translation>Aus der Messung {when}.</translation>
    </message>
    <message>
        <source>Reading the page…</source>
        <translation>Seite wird gelesen…</translation>
    </message>
    <message>
        <source>From the page as it is now.</source>
        <translation>Aus der Seite, wie sie jetzt ist.</translation>
    </message>
    <message>
        <source>The page could not be read now. {why}</source>
        <translation>Die Seite konnte jetzt nicht gelesen werden. {why}</translation>
    </message>
    <message>
        <source>None shown on the page</source>
        <translation>Auf der Seite keiner angegeben</translation>
    </message>
    <message>
        <source>Unsure</source>
        <translation>Unsicher</translation>
    </message>
    <message>
        <source>Sure</source>
        <translation>Sicher</translation>
    </message>
    <message>
        <source>No other price on the page.</source>
        <translation>Kein anderer Preis auf der Seite.</translation>
    </message>
</context>
</TS>
