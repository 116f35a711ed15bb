<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="tr_TR">
<context>
    <name>Actions</name>
    <message>
        <source>&amp;Add Product…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Track a new product page</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add from &amp;Clipboard</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Track the product page whose address is in the clipboard</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Edit Product…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Change the target price, selector and alert rules</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Remove Product…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop tracking the selected products</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Price &amp;History…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show the price history of the selected product</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Check Now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check the selected products now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check &amp;All Now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check every product now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Open in Browser</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open the product page in the web browser</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Reload</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Read products, tasks and notifications again from the database</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Find</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search the products</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Import…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Import products and history from a JSON or CSV export</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Export…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export products and history to JSON or CSV</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Checks, notifications, API and more</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Pause Scheduled Checks</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop the hourly checks until resumed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Tasks</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show or hide the live task table</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quit PriceWatch</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;About PriceWatch</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Show PriceWatch</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ActivityIndicator</name>
    <message>
        <source>No tasks running</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show the tasks PriceWatch ran (Ctrl+T)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{running} running · {waiting} queued</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{running} running, {waiting} waiting; {done} finished since this work began.
Click to show the tasks (Ctrl+T)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>AddressEdit</name>
    <message>
        <source>https://shop.example/product-page (or paste a message that holds it)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>AlertRulesEditor</name>
    <message>
        <source>Tell me when</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the price is at or below the target price (when one is set)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the price drops by at least</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the price drops at all</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the price goes up</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>it is back in stock</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>it sells out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>and 1 more rule set elsewhere (kept; see pricewatch alerts)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>and {count} more rules set elsewhere (kept; see pricewatch alerts)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Alerts</name>
    <message>
        <source>Target price reached</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Price drop</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Price up</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Back in stock</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Out of stock</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unknown</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>product #{id}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>product</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Now {now}, at or below your target of {target}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Was {was}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Out of stock.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Out of stock (last price {price}).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Available again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Available again at {now}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Now {now}, up {change} ({percent}) from the {days}-day high of {was}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Now {now}, down {change} ({percent}) from the {days}-day high of {was}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Now {now}, up {change} ({percent}) from {was}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Now {now}, down {change} ({percent}) from {was}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Also: {others}.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Application</name>
    <message>
        <source>PriceWatch cannot open its data</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PriceWatch settings</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>AppriseBox</name>
    <message>
        <source>One address per line, for example
ntfy://my-price-alerts
mailto://me:app-password@gmail.com</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Line {number}: Apprise does not understand “{address}”</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PriceWatch test</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Notifications from PriceWatch arrive here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>delivery failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Test</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send a test notification to these addresses now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot check: {problem}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>1 address Apprise understands</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{count} addresses Apprise understands</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sending…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Failed: {service}: {why}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sent to {services}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Browser</name>
    <message>
        <source>Could not open a web browser</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PriceWatch could not start a web browser for this page. Copy the address and open it yourself:</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CandidateList</name>
    <message>
        <source>PriceWatch is not sure which of these is the product&apos;s price. Pick the one to track; PriceWatch remembers where it is on the page.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Candidates</name>
    <message>
        <source>crossed out or list price</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>near the product, not in its buy box</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>DesktopSwitches</name>
    <message>
        <source>Desktop</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add PriceWatch to the applications menu</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start PriceWatch at login (in the tray)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The desktop entry could not be written: {error}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>EditorFields</name>
    <message>
        <source>Every 15 minutes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Every 30 minutes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Every hour</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Every 2 hours</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Every 4 hours</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Every 6 hours</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Every 12 hours</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Once a day</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Once a week</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Automatic (the PriceWatch browser only when the page needs it)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Without a browser (fast; pages that need scripts show no price)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Always in the PriceWatch browser (for pages that need scripts or a login)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Every {hours} hours</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Every {minutes} minutes</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Errors</name>
    <message>
        <source>Not saved: a newer PriceWatch upgraded the database; restart PriceWatch first</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(details in {file})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Internal error: {error}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Faults</name>
    <message>
        <source>later</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>in {n} s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>in {n} min</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>in {n} h</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The shop&apos;s server failed{code}. PriceWatch tries again {wait}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The shop asked PriceWatch to slow down{code}. PriceWatch tries again {wait}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The shop took too long to answer. PriceWatch tries again later; if this keeps happening, the shop may be down.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not connect to the shop. Check the internet connection and the address; PriceWatch tries again later.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The shop&apos;s address could not be found. Check the spelling of the address.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The shop&apos;s secure connection could not be set up. Try the address with http:// or open it in the PriceWatch browser.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The shop asks programs not to read this page (robots.txt). Ask the shop, or track another shop&apos;s page for this product.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No price was found on the page. Pick the price in the PriceWatch browser, or give a price selector.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This address is a file, not a web page. Use the address of the product&apos;s page.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The page is too large to read. Use the address of the product&apos;s own page.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The shop sent a damaged page. PriceWatch tries again later.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The shop sends this address on to an address PriceWatch cannot use. Open it in your browser and copy the address the product page ends up at.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The page points to an address on this computer or its network, which PriceWatch does not follow. Use the shop&apos;s public address.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This is not a web address PriceWatch can track. Use an address that starts with https:// or http://.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The PriceWatch browser is not available here. Set the product&apos;s fetch mode to plain.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The PriceWatch browser stopped while reading the page. PriceWatch tries again later.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The PriceWatch browser has too many pages waiting. PriceWatch tries again later.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The check was stopped.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The program that ran this check ended; a later check takes over.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Some of the checks failed; each product says why.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The notification could not be delivered. Check the notification settings.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This page does not exist{code}. Check the address, or find the product on the shop&apos;s site and copy its address again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The shop refused the request{code}. Try again later or open it in the PriceWatch browser.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The shop asked to try again later{code}. PriceWatch tries again {wait}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The shop rejected the request{code}. Check the address, or try again later.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Something went wrong while reading the page. PriceWatch tries again at the next check.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The shop answered {status}; trying again (retry {retry} of {most}) at {at}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The shop answered {status}; trying again (retry {retry} of {most}).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The shop did not answer; trying again (retry {retry} of {most}) at {at}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The shop did not answer; trying again (retry {retry} of {most}).</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>HistoryModel</name>
    <message>
        <source>When</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Price</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Change</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Availability</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>First reading</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No change</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>LookupView</name>
    <message>
        <source>Enter a product page&apos;s address and press &lt;b&gt;Look up&lt;/b&gt;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Looking up the page…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Stop look-up</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This page offers several prices; pick the one to track:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Price</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Availability</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Found by</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tracking</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(No title found)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Offer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the check at {time}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>not checked yet</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>LookupWording</name>
    <message>
        <source>You can add the product now (PriceWatch keeps checking it on its schedule) or stop the look-up.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>read without a browser</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>read in the PriceWatch browser</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the page&apos;s structured data (JSON-LD)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the page&apos;s structured data (microdata)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the page&apos;s product tags</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>your selector</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the price shown on the page</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the page&apos;s analytics data (a last resort)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the page text</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No price found.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No price found: {why}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your selector {selector} found the price.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>found no price</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your selector {selector} {why}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your selector {selector} {why}; the price shown comes from {source}.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Tasks</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Notifications</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot add {url}: {error}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The clipboard holds no product address: {error}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Removed 1 product</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Removed {count} products</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Checking 1 product…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Checking {count} products…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Checking every product…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Settings saved</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reloaded</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Exported {count} products to {path}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Imported: {added} new products, {updated} updated, {points} price points</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PriceWatch — 1 product</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PriceWatch — {count} products</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A desktop price tracker.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Data folder: {folder}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>About PriceWatch</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PriceWatch was updated by another program: restart it to continue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PriceWatch keeps running</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PriceWatch is still checking prices in the tray. Use Quit in its menu to stop it.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Menus</name>
    <message>
        <source>&amp;File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Product</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Main toolbar</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>NotificationActions</name>
    <message>
        <source>That product is no longer tracked</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No notifications about {name} until {time}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>NotificationModel</name>
    <message>
        <source>When</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Title</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Message</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sent through</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>State</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Held (quiet hours)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pending</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Held by daily cap</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Notifications</name>
    <message>
        <source>PriceWatch test</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Notifications from PriceWatch arrive here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PriceWatch: {count} notifications</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>… and {count} more (see the notification log)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open shop page</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Snooze 1 day</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>NotificationsPanel</name>
    <message>
        <source>No notifications yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{count} delivered</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{count} notifications: {parts}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send a Test Notification</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The test failed: {error}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>OutsideTasks</name>
    <message>
        <source>process {pid}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>another host</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>process {pid} on {host}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Cancel Task (runs in {process})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Cancel Task</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancelling {task}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancelled {task}: it runs in {process}, which stops it within a second or two</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancelled {task}, queued by {process}: it will not run</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PriceChart</name>
    <message>
        <source>Price ({currency})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>price</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Target {price}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Checks</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Out of stock</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Back in stock</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ProductDetail</name>
    <message>
        <source>7 d</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>30 d</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>90 d</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>without a browser</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>in the PriceWatch browser</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show every check</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Also list the checks that found the same price and stock</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open in Browser</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open in PriceWatch Browser</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Log in or pass the shop&apos;s check once (later checks reuse it), or click the price to pick it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Why This Price?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check Now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Edit…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Read the page:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>last read {how}, {when}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The last check failed. {why}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The last check failed. PriceWatch tries again at the next check.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{change} (was {was})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lowest</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Highest</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Target</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Availability</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Next check</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last checked {when}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not checked yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>In view: average {average} · lowest {lowest}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Use this price selector for the whole shop?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{shop} has 1 other product in PriceWatch. Read its price from the same place on the page too?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{shop} has {count} other products in PriceWatch. Read their prices from the same place on the page too?</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ProductDialog</name>
    <message>
        <source>Edit Product</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add Product</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Look up</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the page&apos;s title, or a name of your own</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>optional, for example  .price-now  (when detection picks wrong)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>optional, for example 199.99</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pause checks</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>optional: your own notes (size, colour, what it is for)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Page address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Price selector</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Target price</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Read the page</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Notes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Looking up {address}…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>product {id} (“{name}”)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>product {id}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Already tracked as {product}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The same item ({sku}) is already tracked as {product} at another address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{problem}; select it in the list and press F2 to change it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The look-up was cancelled.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>You can still save your changes.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>You can still add the product.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This shop does not answer on a secure connection (https://), so PriceWatch reads it with http://. The connection to it is not encrypted.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The look-up was stopped. You can still add the product; PriceWatch checks it on its schedule.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This page does not exist; check the address.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Price selector: {problem}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Target price: {problem}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This product was removed elsewhere meanwhile; there is nothing to save.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ProductMessages</name>
    <message>
        <source>Stop tracking “{name}”?

Its price history is deleted too.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stop tracking {count} products?

Their price history is deleted too.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove products</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This product was removed from PriceWatch elsewhere (the command line, the API or another window), so there is nothing to check.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{count} of these products were removed from PriceWatch elsewhere (the command line, the API or another window), so there is nothing to check.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Product removed</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ProductTableModel</name>
    <message>
        <source>Product</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Shop</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Price</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Change</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lowest</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Highest</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Target</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Availability</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last checked</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Next check</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>History</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unsure reading: the page does not state this price clearly, so it fires no alert on its own</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sorts by currency, then amount (amounts in different currencies do not compare)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SKU {sku}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>chosen offer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>soon</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Retrying at {time}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The last try failed: {error}
Next try at {time}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Failed: {error}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Paused: not checked until you resume it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Variant: {variant}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last error: {error}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ProductsPanel</name>
    <message>
        <source>Search products by name, shop or address  (Ctrl+F)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search products</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;h3&gt;No products yet&lt;/h3&gt;&lt;p&gt;Add one with &lt;b&gt;Add product&lt;/b&gt; (Ctrl+N),&lt;br&gt;or copy a product page&apos;s address and press &lt;b&gt;Ctrl+V&lt;/b&gt; here.&lt;/p&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No product matches “{typed}”.
Search looks in names, shops and addresses; press Esc to clear it.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>QuietHours</name>
    <message>
        <source>Hold notifications back during quiet hours</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>from</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>until</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RuleChoice</name>
    <message>
        <source>The price drops</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The price rises</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>It is back in stock</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>It runs out of stock</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tell me when</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Schedule</name>
    <message>
        <source>paused</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>not scheduled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>checks paused</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>scheduler off</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SchemaWatch</name>
    <message>
        <source>PriceWatch was updated</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A newer PriceWatch upgraded the database while this window was open (schema version {old} → {new}).

This window can no longer save anything: checks, edits and scheduled runs would fail. Restart PriceWatch to continue with the new version.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Restart PriceWatch</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Later</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(restart PriceWatch first: it was updated)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SelectorCheck</name>
    <message>
        <source>Not a valid CSS selector: {detail}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not a valid CSS selector.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Settings</name>
    <message>
        <source>Check each new product every</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> min</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>How often a product is checked unless you set its own interval</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hourly check at minute</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Look for products due every</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>How often PriceWatch wakes up to check the products that are due</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Random delay up to</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Spreads checks over time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Daily clean-up at hour</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Daily clean-up at minute</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cache clean-up every</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> h</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pause scheduled checks</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>User agent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>How PriceWatch introduces itself to shops</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connect timeout</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Read timeout</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Give up a page after</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Largest page</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> MB</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Requests at once per shop</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pause between requests to a shop</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Respect robots.txt</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show product images</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fetches each product&apos;s picture once</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Proxy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>http://host:port or socks5://host:port; empty: none</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Use a browser for shops that need one</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pages built by scripts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pages rendered at once</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pages waiting at most</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Give up a rendered page after</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Restart the browser after</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> pages</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Restart the browser above</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Browser user agent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Empty: the browser&apos;s own, naming PriceWatch</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run tasks</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Applies after a restart</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Default queue workers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Scraping queue workers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Notification queue workers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Retries for temporary errors</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>First retry after about</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Doubles each time, with jitter</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Longest wait between retries</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keep finished tasks for</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> days</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Read pages in separate processes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>One per core</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Task lease</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Another computer&apos;s unfinished tasks are taken over after this long without a sign of life</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign of life every</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>At most a third of the lease</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cached pages</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keep cached pages for</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cache size limit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Memory for cached pages; 0: no limit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Desktop notifications</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tray messages</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Other services (Apprise)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Phone, e-mail or chat through Apprise: one address per line, for example ntfy://topic</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quiet hours from</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>HH:MM; empty: no quiet hours</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quiet hours until</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>HH:MM</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Alerts for new products</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>One per line: any_drop, price_increase, back_in_stock, out_of_stock</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Notifications per product a day</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>0: no limit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enable the local API</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Listen on</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>127.0.0.1 keeps it on this computer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Port</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Largest request</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> KB</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Closing the window keeps PriceWatch in the tray</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Language</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Applies after a restart; dates and numbers follow the system</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>In background threads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>One at a time, in the calling thread (debugging)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>As the system is set</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Checks</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Notifications</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Window</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Schedule details</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fetching pages and politeness towards shops</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Shops that need a browser</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Background tasks (engine)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Page cache</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Local HTTP API</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PriceWatch Settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>General</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Advanced</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Data</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send a Test Notification</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Through every channel switched on above, as set here (before saving)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quiet hours</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The alerts every new product starts with (window, CLI, API or import)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New products</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Language and region</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A new language applies after PriceWatch restarts.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>As each shop states it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Prices are shown in the shop&apos;s currency; converting them is not offered yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Currency</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>These rarely need changing. Hover over a field for what it does.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Regenerate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Access token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Running at {address}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not running</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Data folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cache</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Logs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Database</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hide</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Regenerate the access token?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A new access token will replace the current one when you press Save. Scripts and tools that use the current token will then be refused until you give them the new one.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Make a New Token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New token: it replaces the current one when you press Save (Cancel keeps it).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sending…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{label}: use HH:MM, for example 22:00</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quiet hours need both a start and an end</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The user agent cannot be empty</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign of life every {beat} s: at most a third of the task lease ({lease} s)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The API needs an address to listen on</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The API could not start: {error}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>StatusBar</name>
    <message>
        <source>1 product</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{total} products</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{shown} of 1 product</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{shown} of {total} products</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Scheduled checks stopped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Scheduled checks paused</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Next check {when}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Next check: {time}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>none due</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Next check: {reason}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>⚠ {schedule} · last run failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Checks on workers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Checks here, not on workers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connecting to the workers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PriceWatch was updated — Restart</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A newer PriceWatch upgraded the database; this window can no longer save anything</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Stock</name>
    <message>
        <source>In stock</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Out of stock</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pre-order</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Back-order</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stock not stated</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TaskActivity</name>
    <message>
        <source>Checking {}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Checking a product</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Checking prices</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Looking up {}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Looking up pages</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cleaning up old data</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Clearing old cached pages</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Notifying: {}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sending a notification</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sending notifications</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sending notifications held in quiet hours</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sending held notifications</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fetching the picture of {}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fetching a picture</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reading {}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a page</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Checking every product</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Checking the products that are due</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TaskColumns</name>
    <message>
        <source>Activity</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Task</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Product or URL</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Queue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>State</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Progress</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Retries</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Queued</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Started</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Finished</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Duration</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Result or error</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Running</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Done</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Retrying</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Look up page</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Look up pages</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check prices</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check price</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Clean up old data</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Clear old cache</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send notification</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send notifications</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send held notifications</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fetch picture</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>all products</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>due products</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>1 page</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{count} pages</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>1 product</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{count} products</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Look up page (preview)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Scrape page</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>product {id}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Done, {count} failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>picture could not be fetched</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>next try {when}: {error}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{products} checked</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>on {worker}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TaskDetail</name>
    <message>
        <source>Queue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>priority</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;b&gt;tries&lt;/b&gt; {tries} of {most}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;b&gt;Read on&lt;/b&gt; {worker} (a Celery worker)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Part of</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Progress</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Children</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Queued</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Started</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Next try</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Finished</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Took</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Timeline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Arguments</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Result</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Error</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Traceback</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TaskDetailPane</name>
    <message>
        <source>Select a task to see its arguments, result and timeline.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TaskPanel</name>
    <message>
        <source>All states</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Active</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Running</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Queued</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Retrying</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Done</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All tasks</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All queues</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Filter by product, address or error</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Cancel Task</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Retry Task</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy &amp;Error</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy Task &amp;ID</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Queued {task} again</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Time</name>
    <message>
        <source>now</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TransferActions</name>
    <message>
        <source>JSON export (*.json);;CSV spreadsheet (*.csv)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export products and price history</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>JSON export (*.json);;CSV spreadsheet (*.csv);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Import products</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TrayIcon</name>
    <message>
        <source>&amp;Hide PriceWatch</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Show PriceWatch</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>WhyPrice</name>
    <message>
        <source>Why this price?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Price</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Read from</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Element</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>List price</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Certainty</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Evidence</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Read the page again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Prices that competed with it:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Looking for the last reading…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PriceWatch kept no details of the last reading; reading the page again…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>From the reading {when}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reading the page…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>From the page as it is now.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The page could not be read now. {why}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>None shown on the page</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unsure</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sure</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No other price on the page.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
