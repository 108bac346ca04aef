from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'receipt.txt'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_order = resolve('order')
    l_0_reference = resolve('reference')
    l_0_interval = resolve('interval')
    l_0_support_email = resolve('support_email')
    l_0_shop_name = resolve('shop_name')
    try:
        t_1 = environment.filters['join']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'join' found.")
    try:
        t_2 = environment.filters['length']
    except KeyError:
        @internalcode
        def t_2(*unused):
            raise TemplateRuntimeError("No filter named 'length' found.")
    try:
        t_3 = environment.filters['money']
    except KeyError:
        @internalcode
        def t_3(*unused):
            raise TemplateRuntimeError("No filter named 'money' found.")
    pass
    yield 'Thank you for your order'
    if environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'customer_name'):
        pass
        yield ', '
        yield str(environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'customer_name'))
    yield '!\n\nOrder '
    yield str((undefined(name='reference') if l_0_reference is missing else l_0_reference))
    yield '\n\n'
    l_1_loop = missing
    for l_1_item, l_1_loop in LoopContext(environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'items'), undefined):
        _loop_vars = {}
        pass
        yield '  '
        yield str(environment.getattr(l_1_item, 'quantity'))
        yield ' × '
        yield str(environment.getattr(l_1_item, 'description'))
        yield '  '
        yield str(t_3(context, (environment.getattr(environment.getitem(environment.getattr(environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'totals'), 'lines'), environment.getattr(l_1_loop, 'index0')), 'amount_subtotal') if (environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'totals') and (t_2(environment.getattr(environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'totals'), 'lines')) > environment.getattr(l_1_loop, 'index0'))) else environment.getattr(l_1_item, 'amount_total')), environment.getattr(l_1_item, 'currency')))
        yield '\n'
    l_1_loop = l_1_item = missing
    yield '\n'
    template = environment.get_template('_totals.txt', 'receipt.txt')
    gen = template.root_render_func(template.new_context(context.get_all(), True, {}))
    try:
        for event in gen:
            yield event
    finally: gen.close()
    yield 'Total paid: '
    yield str(t_3(context, environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'amount_total'), environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'currency')))
    if (environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'mode') == 'subscription'):
        pass
        yield ' per '
        yield str((undefined(name='interval') if l_0_interval is missing else l_0_interval))
    yield '\n'
    if (environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'totals') and environment.getattr(environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'totals'), 'invoice_id')):
        pass
        if environment.getattr(environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'totals'), 'invoice_url'):
            pass
            yield 'Your invoice: '
            yield str(environment.getattr(environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'totals'), 'invoice_url'))
            yield '\n'
        if environment.getattr(environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'totals'), 'invoice_pdf'):
            pass
            yield 'Invoice PDF: '
            yield str(environment.getattr(environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'totals'), 'invoice_pdf'))
            yield '\n'
    for l_1_item in environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'items'):
        l_1_f = missing
        _loop_vars = {}
        pass
        l_1_f = environment.getattr(l_1_item, 'fulfillment')
        _loop_vars['f'] = l_1_f
        if ((environment.getattr((undefined(name='f') if l_1_f is missing else l_1_f), 'type') == 'download') and environment.getattr((undefined(name='f') if l_1_f is missing else l_1_f), 'url')):
            pass
            yield 'Download '
            yield str(environment.getattr(l_1_item, 'description'))
            yield ': '
            yield str(environment.getattr((undefined(name='f') if l_1_f is missing else l_1_f), 'url'))
            yield '\n'
        elif (environment.getattr((undefined(name='f') if l_1_f is missing else l_1_f), 'type') == 'ticket'):
            pass
            yield 'Your ticket'
            yield str(('s' if (t_2(environment.getattr((undefined(name='f') if l_1_f is missing else l_1_f), 'codes')) > 1) else cond_expr_undefined("the inline if-expression on line 23 in 'receipt.txt' evaluated to false and no else section was defined.")))
            yield ' for '
            yield str(environment.getattr(l_1_item, 'description'))
            yield ': '
            yield str(t_1(context.eval_ctx, environment.getattr((undefined(name='f') if l_1_f is missing else l_1_f), 'codes'), ', '))
            yield '\n'
        elif (environment.getattr((undefined(name='f') if l_1_f is missing else l_1_f), 'type') == 'subscription'):
            pass
            yield 'Your membership is active.'
            if environment.getattr((undefined(name='f') if l_1_f is missing else l_1_f), 'access_url'):
                pass
                yield ' Sign in at '
                yield str(environment.getattr((undefined(name='f') if l_1_f is missing else l_1_f), 'access_url'))
            yield '\n'
        elif (environment.getattr((undefined(name='f') if l_1_f is missing else l_1_f), 'type') == 'shipment'):
            pass
            yield 'We will ship '
            yield str(environment.getattr(l_1_item, 'description'))
            yield ' to the address you gave and email you when it leaves.\n'
    l_1_item = l_1_f = missing
    if environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'shipping'):
        pass
        yield 'Shipping to:\n  '
        yield str(environment.getattr(environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'shipping'), 'name'))
        yield '\n  '
        yield str(environment.getattr(environment.getattr(environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'shipping'), 'address'), 'line1'))
        if environment.getattr(environment.getattr(environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'shipping'), 'address'), 'line2'):
            pass
            yield ', '
            yield str(environment.getattr(environment.getattr(environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'shipping'), 'address'), 'line2'))
        yield '\n  '
        yield str(environment.getattr(environment.getattr(environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'shipping'), 'address'), 'postal_code'))
        yield ' '
        yield str(environment.getattr(environment.getattr(environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'shipping'), 'address'), 'city'))
        yield ', '
        yield str(environment.getattr(environment.getattr(environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'shipping'), 'address'), 'country'))
        yield '\n'
    yield '\n'
    if (undefined(name='support_email') if l_0_support_email is missing else l_0_support_email):
        pass
        yield 'Questions? Reply to this email or write to '
        yield str((undefined(name='support_email') if l_0_support_email is missing else l_0_support_email))
        yield '.'
    yield '\n— '
    yield str((undefined(name='shop_name') if l_0_shop_name is missing else l_0_shop_name))
    yield '\n'

blocks = {}
debug_info = '1=35&3=40&5=43&6=47&9=55&10=62&12=68&13=70&15=75&18=80&19=84&20=86&21=89&22=93&23=96&24=102&25=105&27=110&28=113&31=116&33=119&34=121&36=127&39=134&41=140'