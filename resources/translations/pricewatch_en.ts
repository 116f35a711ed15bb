<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>AddManyDialog</name>
    <message numerus="yes">
        <source>Add %n Product(s)</source>
        <translation>
            <numerusform>Add %n Product</numerusform>
            <numerusform>Add %n Products</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>AlertRulesEditor</name>
    <message numerus="yes">
        <source>the price is the lowest in %n days</source>
        <translation>
            <numerusform>the price is the lowest in %n day</numerusform>
            <numerusform>the price is the lowest in %n days</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>BulkEditDialog</name>
    <message numerus="yes">
        <source>Edit Selected Products (%n)</source>
        <translation>
            <numerusform>Edit Selected Product (%n)</numerusform>
            <numerusform>Edit Selected Products (%n)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Deal</name>
    <message numerus="yes">
        <source>Lowest in %n days</source>
        <translation>
            <numerusform>Lowest in %n day</numerusform>
            <numerusform>Lowest in %n days</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Watched for %n day(s); a verdict needs 30.</source>
        <translation>
            <numerusform>Watched for %n day; a verdict needs 30.</numerusform>
            <numerusform>Watched for %n days; a verdict needs 30.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The lowest price in %n day(s) of watching.</source>
        <translation>
            <numerusform>The lowest price in %n day of watching.</numerusform>
            <numerusform>The lowest price in %n days of watching.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>No lower price in the last %n day(s).</source>
        <translation>
            <numerusform>No lower price in the last day.</numerusform>
            <numerusform>No lower price in the last %n days.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Too little history for %1: the rule needs %n days before it.</source>
        <translation>
            <numerusform>Too little history for %1: the rule needs %n day before it.</numerusform>
            <numerusform>Too little history for %1: the rule needs %n days before it.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message numerus="yes">
        <source>%n product(s) added</source>
        <translation>
            <numerusform>%n product added</numerusform>
            <numerusform>%n products added</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>OrganiseActions</name>
    <message numerus="yes">
        <source>Changing the selected products (%n)…</source>
        <translation>
            <numerusform>Changing the selected product (%n)…</numerusform>
            <numerusform>Changing the selected products (%n)…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Products snoozed for a day: %n</source>
        <translation>
            <numerusform>Products snoozed for a day: %n</numerusform>
            <numerusform>Products snoozed for a day: %n</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Products snoozed for a week: %n</source>
        <translation>
            <numerusform>Products snoozed for a week: %n</numerusform>
            <numerusform>Products snoozed for a week: %n</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Products snoozed until their price changes: %n</source>
        <translation>
            <numerusform>Products snoozed until their price changes: %n</numerusform>
            <numerusform>Products snoozed until their price changes: %n</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Products unsnoozed: %n</source>
        <translation>
            <numerusform>Products unsnoozed: %n</numerusform>
            <numerusform>Products unsnoozed: %n</numerusform>
        </translation>
    </message>
</context>
</TS>
