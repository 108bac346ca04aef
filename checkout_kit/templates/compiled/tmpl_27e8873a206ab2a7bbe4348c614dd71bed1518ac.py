from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'membership_receipt.txt'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_member_name = resolve('member_name')
    l_0_plan = resolve('plan')
    l_0_period_end = resolve('period_end')
    l_0_number = resolve('number')
    l_0_lines = resolve('lines')
    l_0_amount = resolve('amount')
    l_0_currency = resolve('currency')
    l_0_hosted_invoice_url = resolve('hosted_invoice_url')
    l_0_manage_url = resolve('manage_url')
    l_0_site_url = resolve('site_url')
    l_0_support_email = resolve('support_email')
    l_0_shop_name = resolve('shop_name')
    try:
        t_1 = environment.filters['money']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'money' found.")
    pass
    yield 'Hello'
    if (undefined(name='member_name') if l_0_member_name is missing else l_0_member_name):
        pass
        yield ' '
        yield str((undefined(name='member_name') if l_0_member_name is missing else l_0_member_name))
    yield ',\n\nthank you: your membership ('
    yield str(environment.getattr((undefined(name='plan') if l_0_plan is missing else l_0_plan), 'name'))
    yield ') is renewed'
    if (undefined(name='period_end') if l_0_period_end is missing else l_0_period_end):
        pass
        yield ' until '
        yield str((undefined(name='period_end') if l_0_period_end is missing else l_0_period_end))
    yield '.\n\nReceipt'
    if (undefined(name='number') if l_0_number is missing else l_0_number):
        pass
        yield ' '
        yield str((undefined(name='number') if l_0_number is missing else l_0_number))
    yield ':\n'
    for l_1_line in (undefined(name='lines') if l_0_lines is missing else l_0_lines):
        _loop_vars = {}
        pass
        yield '  '
        yield str(environment.getattr(l_1_line, 'description'))
        yield '  '
        yield str(t_1(context, environment.getattr(l_1_line, 'amount'), environment.getattr(l_1_line, 'currency')))
        yield '\n'
    l_1_line = missing
    yield '  Paid: '
    yield str(t_1(context, (undefined(name='amount') if l_0_amount is missing else l_0_amount), (undefined(name='currency') if l_0_currency is missing else l_0_currency)))
    yield '\n'
    if (undefined(name='hosted_invoice_url') if l_0_hosted_invoice_url is missing else l_0_hosted_invoice_url):
        pass
        yield 'Invoice: '
        yield str((undefined(name='hosted_invoice_url') if l_0_hosted_invoice_url is missing else l_0_hosted_invoice_url))
        yield '\n'
    yield '\nManage your membership (update your card, switch plans, cancel any time):\n'
    yield str((undefined(name='manage_url') if l_0_manage_url is missing else l_0_manage_url))
    yield '\nThis link works once, for 30 minutes. For a new one, enter your email at '
    yield str((undefined(name='site_url') if l_0_site_url is missing else l_0_site_url))
    yield '/account.html.\n\n'
    if (undefined(name='support_email') if l_0_support_email is missing else l_0_support_email):
        pass
        yield 'Questions? Reply to this email or write to '
        yield str((undefined(name='support_email') if l_0_support_email is missing else l_0_support_email))
        yield '.'
    yield '\n— '
    yield str((undefined(name='shop_name') if l_0_shop_name is missing else l_0_shop_name))
    yield '\n'

blocks = {}
debug_info = '1=30&3=35&5=42&6=47&7=51&9=57&10=59&11=62&15=65&16=67&18=69&20=75'