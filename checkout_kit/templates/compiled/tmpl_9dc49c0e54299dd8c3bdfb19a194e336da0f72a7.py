from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = 'refund.txt'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_order = resolve('order')
    l_0_refund_amount = resolve('refund_amount')
    l_0_reference = resolve('reference')
    l_0_full = resolve('full')
    l_0_reason = resolve('reason')
    l_0_refunded_total = resolve('refunded_total')
    l_0_shop_name = resolve('shop_name')
    try:
        t_1 = environment.filters['money']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'money' found.")
    pass
    yield 'Hello'
    if environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'customer_name'):
        pass
        yield ' '
        yield str(environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'customer_name'))
    yield ',\n\nwe refunded '
    yield str(t_1(context, (undefined(name='refund_amount') if l_0_refund_amount is missing else l_0_refund_amount), environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'currency')))
    yield ' of your order '
    yield str((undefined(name='reference') if l_0_reference is missing else l_0_reference))
    if (undefined(name='full') if l_0_full is missing else l_0_full):
        pass
        yield ': the whole order'
    yield '.\n'
    if (undefined(name='reason') if l_0_reason is missing else l_0_reason):
        pass
        yield 'Reason: '
        yield str((undefined(name='reason') if l_0_reason is missing else l_0_reason))
        yield '\n'
    yield '\nRefunded so far: '
    yield str(t_1(context, (undefined(name='refunded_total') if l_0_refunded_total is missing else l_0_refunded_total), environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'currency')))
    yield ' of '
    yield str(t_1(context, environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'amount_total'), environment.getattr((undefined(name='order') if l_0_order is missing else l_0_order), 'currency')))
    yield '.\nThe money goes back to the card or account you paid with; banks usually show it within 5 to 10 days.\n'
    if (undefined(name='full') if l_0_full is missing else l_0_full):
        pass
        yield 'Downloads and unused tickets of this order no longer work.\n'
    yield '\n— '
    yield str((undefined(name='shop_name') if l_0_shop_name is missing else l_0_shop_name))
    yield '\n'

blocks = {}
debug_info = '1=25&3=30&4=37&7=43&9=47&13=51'